'use strict';
// The API reference: every operation of /openapi/v1.json with its parameters, body, key requirement and responses.

const el = (tag, props, ...children) => {
  const node = Object.assign(document.createElement(tag), props || {});
  node.append(...children.filter((c) => c !== undefined && c !== null));
  return node;
};

const refName = (ref) => (ref || '').split('/').pop();

function schemaText(schema) {
  if (!schema) return '';
  if (schema.$ref) return refName(schema.$ref);
  if (schema.type === 'array' || (Array.isArray(schema.type) && schema.type.includes('array'))) return `array of ${schemaText(schema.items)}`;
  return Array.isArray(schema.type) ? schema.type.filter((t) => t !== 'null').join(' or ') : (schema.type || 'object');
}

function contentText(content) {
  return Object.entries(content || {}).map(([type, media]) => `${type}${media.schema ? ': ' + schemaText(media.schema) : ''}`).join('; ');
}

function fieldsTable(name, schema) {
  const properties = schema && schema.properties ? Object.entries(schema.properties) : [];
  if (properties.length === 0) return null;
  const rows = properties.map(([field, s]) => el('tr', null, el('td', null, el('code', { textContent: field })), el('td', { textContent: schemaText(s) }),
    el('td', { textContent: s.description || '' })));
  return el('table', { className: 'schema' }, el('caption', { textContent: name }),
    el('thead', null, el('tr', null, el('th', { scope: 'col', textContent: 'Field' }), el('th', { scope: 'col', textContent: 'Type' }), el('th', { scope: 'col', textContent: 'Meaning' }))),
    el('tbody', null, ...rows));
}

function render(doc) {
  document.title = `${doc.info.title}: API reference`;
  document.getElementById('api-title').textContent = `${doc.info.title} ${doc.info.version || ''}`.trim();
  document.getElementById('api-description').textContent = doc.info.description || '';
  const schemes = (doc.components && doc.components.securitySchemes) || {};
  document.getElementById('schemes').replaceChildren(...Object.entries(schemes).map(([name, s]) =>
    el('p', null, el('strong', { textContent: name }), `: ${s.type} in the ${s.in} "${s.name}". ${s.description || ''}`)));
  const schemas = (doc.components && doc.components.schemas) || {};
  const operations = [];
  for (const [path, item] of Object.entries(doc.paths || {})) {
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const id = `op-${op.operationId || method + path}`.replace(/[^A-Za-z0-9_-]/g, '-');
      const parts = [el('h3', { id }, el('span', { className: 'method', textContent: method.toUpperCase() }), ' ', el('code', { textContent: path }))];
      if (op.summary) parts.push(el('p', { textContent: op.summary }));
      const keyed = (op.security || []).flatMap((r) => Object.keys(r));
      parts.push(el('p', { className: 'key', textContent: keyed.length ? `Needs an API key (${keyed.join(', ')}: the ${schemes[keyed[0]] ? schemes[keyed[0]].name : ''} header).` : 'No key needed.' }));
      const params = op.parameters || [];
      if (params.length) {
        parts.push(el('p', null, 'Parameters: ', ...params.map((p, i) => el('span', null, i ? ', ' : '', el('code', { textContent: p.name }),
          ` (${p.in}${p.required ? ', required' : ''}, ${schemaText(p.schema)})`))));
      }
      if (op.requestBody) {
        const media = Object.values(op.requestBody.content || {})[0];
        parts.push(el('p', { textContent: `Body: ${contentText(op.requestBody.content)}` }));
        const name = media && media.schema && refName(media.schema.$ref);
        if (name && schemas[name]) parts.push(fieldsTable(name, schemas[name]));
      }
      const responses = Object.entries(op.responses || {});
      parts.push(el('table', { className: 'responses' }, el('caption', { textContent: 'Responses' }),
        el('thead', null, el('tr', null, el('th', { scope: 'col', textContent: 'Status' }), el('th', { scope: 'col', textContent: 'Meaning' }), el('th', { scope: 'col', textContent: 'Body' }))),
        el('tbody', null, ...responses.map(([code, r]) => el('tr', { className: `status-${code}` }, el('td', { textContent: code }), el('td', { textContent: r.description || '' }),
          el('td', { textContent: contentText(r.content) }))))));
      operations.push(el('article', { className: 'operation', id: `${id}-card` }, ...parts));
    }
  }
  document.getElementById('operations').replaceChildren(...operations);
  document.getElementById('reference-status').textContent = `${operations.length} operations.`;
}

fetch('/openapi/v1.json')
  .then((response) => { if (!response.ok) throw new Error(`The OpenAPI description answered ${response.status}.`); return response.json(); })
  .then(render)
  .catch((error) => { const s = document.getElementById('reference-status'); s.textContent = error.message; s.classList.add('error'); });
