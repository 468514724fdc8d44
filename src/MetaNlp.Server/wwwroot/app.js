'use strict';
// The page talks to the same API as every client: GET /api/models; GET, POST /api/classifiers;
// GET, DELETE /api/classifiers/{id}; PATCH /api/classifiers/{id}/examples; POST /api/classifiers/{id}/explain.

const $ = (id) => document.getElementById(id);
const el = (tag, props, ...children) => {
  const { dataset, ...rest } = props || {};
  const node = Object.assign(document.createElement(tag), rest);
  if (dataset) Object.assign(node.dataset, dataset);
  node.append(...children);
  return node;
};
let models = [];
let classifiers = [];

async function request(method, path, body) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const key = $('api-key').value;
  if (key) headers['X-Api-Key'] = key;
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!response.ok) {
    const fields = data && data.errors ? ' ' + Object.entries(data.errors).map(([f, m]) => `${f}: ${m.join(', ')}`).join('; ') : '';
    const retry = response.status === 429 && response.headers.get('Retry-After') ? ` (retry in ${response.headers.get('Retry-After')} s)` : '';
    throw new Error(`${(data && (data.detail || data.title)) || `${response.status} ${response.statusText}`}${fields}${retry}`);
  }
  return { data, headers: response.headers };
}

const api = async (method, path, body) => (await request(method, path, body)).data;

function show(status, message, isError) {
  status.textContent = message;
  status.classList.toggle('error', !!isError);
}

function parseExamples(text) {
  const examples = [];
  text.split('\n').forEach((line, index) => {
    if (!line.trim()) return;
    // The first colon, ASCII or full-width (U+FF1A, what Chinese and Japanese input methods type).
    const colon = line.search(/[:\uFF1A]/);
    if (colon <= 0) throw new Error(`Line ${index + 1} should read "label: text".`);
    examples.push({ label: line.slice(0, colon).trim(), text: line.slice(colon + 1).trim() });
  });
  return examples;
}

// RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks. The header names the text and label columns.
function parseCsvRows(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += c;
  }
  if (quoted) throw new Error('The CSV file ends inside a quoted field.');
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  return rows.filter((r) => r.some((f) => f.trim() !== ''));
}

function parseCsv(text, fileName) {
  const rows = parseCsvRows(text.replace(/^\uFEFF/, ''));
  if (rows.length === 0) throw new Error(`${fileName} is empty.`);
  const header = rows[0].map((h) => h.trim().toLowerCase());
  const textColumn = header.indexOf('text');
  const labelColumn = header.indexOf('label');
  if (textColumn < 0 || labelColumn < 0) throw new Error(`${fileName}: the first line must name the columns text and label (it reads "${rows[0].join(',')}").`);
  return rows.slice(1).map((r, i) => {
    if (r.length <= Math.max(textColumn, labelColumn)) throw new Error(`${fileName}, line ${i + 2}: fewer columns than the header.`);
    return { text: r[textColumn].trim(), label: r[labelColumn].trim() };
  });
}

async function examplesOf(textarea, fileInput) {
  const examples = parseExamples(textarea.value);
  const file = fileInput.files[0];
  if (file) examples.push(...parseCsv(await file.text(), file.name));
  return examples;
}

function setDefaultThreshold() {
  const model = models.find((m) => m.name === $('base-model').value);
  if (model) $('threshold').value = String(model.defaultThreshold);
}

async function loadModels() {
  models = await api('GET', '/api/models');
  $('base-model').replaceChildren(...models.map((m) => new Option(`${m.name} (${m.algorithm}, ${m.encoder})`, m.name, m.isDefault, m.isDefault)));
  setDefaultThreshold();
}

// Every page of the list (the API pages it: ?offset= and ?limit=, X-Total-Count).
async function loadClassifiers(selectId) {
  const all = [];
  let total = 0;
  do {
    const { data, headers } = await request('GET', `/api/classifiers?offset=${all.length}&limit=1000`);
    total = Number(headers.get('X-Total-Count') || data.length);
    all.push(...data);
    if (data.length === 0) break;
  } while (all.length < total);
  classifiers = all;
  const current = selectId || $('classifier').value;
  $('classifier').replaceChildren(...classifiers.map((c) => new Option(`${c.name} (${c.labels.length} labels)`, c.id)));
  if (classifiers.some((c) => c.id === current)) $('classifier').value = current;
  $('classifiers').tBodies[0].replaceChildren(...classifiers.map((c) => {
    const open = el('button', { type: 'button', textContent: 'Open' });
    open.setAttribute('aria-label', `Open ${c.name}`);
    open.addEventListener('click', () => openClassifier(c.id));
    const remove = el('button', { type: 'button', className: 'danger', textContent: 'Delete' });
    remove.setAttribute('aria-label', `Delete ${c.name}`);
    remove.addEventListener('click', () => deleteClassifier(c));
    return el('tr', { dataset: { id: c.id } },
      el('td', { textContent: c.name }), el('td', { textContent: c.baseModel }),
      el('td', { textContent: c.labels.map((l) => `${l.label} (${l.examples})`).join(', ') }),
      el('td', { textContent: String(c.exampleCount) }), el('td', { textContent: String(c.threshold) }),
      el('td', { className: 'actions' }, open, remove));
  }));
  show($('list-status'), classifiers.length === 0 ? 'No classifiers yet: create one below.' : `${classifiers.length} classifier${classifiers.length === 1 ? '' : 's'}.`);
}

async function openClassifier(id) {
  $('classifier').value = id;
  const c = await api('GET', `/api/classifiers/${encodeURIComponent(id)}`);
  $('manage').hidden = false;
  $('manage').dataset.id = c.id;
  $('manage-name').textContent = c.name;
  $('manage-summary').textContent = `${c.exampleCount} examples of ${c.labels.length} labels, base model ${c.baseModel}, threshold ${c.threshold}, version ${c.version}.`;
  $('examples-table').tBodies[0].replaceChildren(...c.examples.map((e) => {
    const remove = el('button', { type: 'button', textContent: 'Remove' });
    remove.setAttribute('aria-label', `Remove example ${e.text}`);
    remove.addEventListener('click', () => changeExamples({ remove: [e.id] }, `Removed "${e.text}".`));
    return el('tr', { dataset: { id: String(e.id) } }, el('td', { textContent: e.text }), el('td', { textContent: e.label }), el('td', null, remove));
  }));
}

async function changeExamples(change, done) {
  const id = $('manage').dataset.id;
  try {
    await api('PATCH', `/api/classifiers/${encodeURIComponent(id)}/examples`, change);
    await loadClassifiers(id);
    await openClassifier(id);
    show($('manage-status'), done);
    return true;
  } catch (error) {
    show($('manage-status'), error.message, true);
    return false;
  }
}

async function deleteClassifier(c) {
  if (!window.confirm(`Delete "${c.name}" and its ${c.exampleCount} examples? This cannot be undone.`)) return;
  try {
    await api('DELETE', `/api/classifiers/${encodeURIComponent(c.id)}`);
    if ($('manage').dataset.id === c.id) $('manage').hidden = true;
    await loadClassifiers();
    show($('list-status'), `Deleted "${c.name}". ${$('list-status').textContent}`);
  } catch (error) {
    show($('list-status'), error.message, true);
  }
}

$('base-model').addEventListener('change', setDefaultThreshold);
$('classifier').addEventListener('change', () => openClassifier($('classifier').value).catch((error) => show($('manage-status'), error.message, true)));

$('create-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const status = $('create-status');
  try {
    const threshold = $('threshold').value.trim();
    const created = await api('POST', '/api/classifiers', {
      name: $('name').value,
      baseModel: $('base-model').value || undefined,
      threshold: threshold === '' ? undefined : Number(threshold),
      examples: await examplesOf($('examples'), $('create-csv')),
    });
    show(status, `Created "${created.name}" with ${created.exampleCount} examples of ${created.labels.length} labels.`);
    $('create-csv').value = '';
    await loadClassifiers(created.id);
    await openClassifier(created.id);
    $('sentence').focus();
  } catch (error) {
    show(status, error.message, true);
  }
});

$('add-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  let add;
  try {
    add = await examplesOf($('add-examples'), $('add-csv'));
    if (add.length === 0) throw new Error('Write examples or choose a CSV file first.');
  } catch (error) {
    show($('manage-status'), error.message, true);
    return;
  }
  if (await changeExamples({ add }, `Added ${add.length} example${add.length === 1 ? '' : 's'}.`)) {
    $('add-examples').value = '';
    $('add-csv').value = '';
  }
});

// The words of the explained text coloured by their integrated-gradients share: green toward the best label, red
// toward the runner-up (colours set through the style object, which the page's Content-Security-Policy allows).
function showAttributions(attributions) {
  const box = $('attributions');
  const legend = $('attributions-legend');
  if (!attributions) { box.hidden = true; legend.hidden = true; return; }
  const words = attributions.words.filter((w) => !w.special).map((w) => {
    const span = el('span', { className: 'attribution', textContent: w.text, title: `integrated gradients ${w.integratedGradients.toFixed(4)}, occlusion ${w.occlusion.toFixed(4)}` });
    const alpha = (Math.min(1, Math.abs(w.share)) * 0.75).toFixed(3);
    span.style.backgroundColor = w.share >= 0 ? `rgba(0, 170, 60, ${alpha})` : `rgba(220, 40, 40, ${alpha})`;
    span.dataset.share = String(w.share);
    return span;
  });
  box.replaceChildren(...words.flatMap((span, i) => (i ? [' ', span] : [span])));
  legend.textContent = `Green words pull toward ${attributions.label}, red toward ${attributions.against} (integrated gradients, ${attributions.steps} steps).`;
  box.hidden = false;
  legend.hidden = false;
}

$('try-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const id = $('classifier').value;
  const predicted = $('predicted');
  if (!id) { show(predicted, 'Create a classifier first.', true); return; }
  try {
    const explained = await api('POST', `/api/classifiers/${encodeURIComponent(id)}/explain`, { text: $('sentence').value, top: 5 });
    const p = explained.prediction;
    show(predicted, p.noneOfThese ? `None of these (best: ${p.bestLabel}, ${(p.probability * 100).toFixed(1)}%)` : `Label: ${p.label} (${(p.probability * 100).toFixed(1)}%)`);
    const rows = Object.entries(p.probabilities).sort((a, b) => b[1] - a[1]).map(([label, probability]) => {
      const meter = el('meter', { min: 0, max: 1, value: probability });
      return el('tr', null, el('td', { textContent: label }), el('td', null, meter, `${(probability * 100).toFixed(1)}%`));
    });
    $('probabilities').tBodies[0].replaceChildren(...rows);
    $('probabilities').hidden = false;
    $('nearest').tBodies[0].replaceChildren(...explained.nearest.map((n) =>
      el('tr', null, ...[n.text, n.label, n.score.toFixed(3)].map((value) => el('td', { textContent: value })))));
    $('nearest').hidden = false;
    showAttributions(explained.attributions);
  } catch (error) {
    show(predicted, error.message, true);
  }
});

Promise.all([loadModels(), loadClassifiers()]).catch((error) => show($('create-status'), error.message, true));
