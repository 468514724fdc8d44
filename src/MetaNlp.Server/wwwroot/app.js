'use strict';
// The page talks to the same API as every client: GET /api/models, POST /api/classifiers,
// POST /api/classifiers/{id}/classify and /explain.

const $ = (id) => document.getElementById(id);

async function api(method, path, body) {
  const headers = { 'Content-Type': 'application/json' };
  const key = $('api-key').value;
  if (key) headers['X-Api-Key'] = key;
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const fields = data && data.errors ? ' ' + Object.entries(data.errors).map(([f, m]) => `${f}: ${m.join(', ')}`).join('; ') : '';
    throw new Error(`${(data && (data.detail || data.title)) || response.statusText}${fields}`);
  }
  return data;
}

function parseExamples(text) {
  const examples = [];
  text.split('\n').forEach((line, index) => {
    if (!line.trim()) return;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`Line ${index + 1} should read "label: text".`);
    examples.push({ label: line.slice(0, colon).trim(), text: line.slice(colon + 1).trim() });
  });
  return examples;
}

async function loadModels() {
  const models = await api('GET', '/api/models');
  $('base-model').replaceChildren(...models.map((m) => new Option(`${m.name} (${m.algorithm}, ${m.encoder})`, m.name, m.isDefault, m.isDefault)));
}

async function loadClassifiers(selectId) {
  const classifiers = await api('GET', '/api/classifiers');
  $('classifier').replaceChildren(...classifiers.map((c) => new Option(`${c.name} (${c.labels.length} labels)`, c.id)));
  if (selectId) $('classifier').value = selectId;
}

function show(status, message, isError) {
  status.textContent = message;
  status.classList.toggle('error', !!isError);
}

$('create-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const status = $('create-status');
  try {
    const created = await api('POST', '/api/classifiers', {
      name: $('name').value,
      baseModel: $('base-model').value || undefined,
      threshold: Number($('threshold').value || 0),
      examples: parseExamples($('examples').value),
    });
    show(status, `Created "${created.name}" with ${created.exampleCount} examples of ${created.labels.length} labels.`);
    await loadClassifiers(created.id);
    $('sentence').focus();
  } catch (error) {
    show(status, error.message, true);
  }
});

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
      const row = document.createElement('tr');
      const meter = Object.assign(document.createElement('meter'), { min: 0, max: 1, value: probability });
      row.append(Object.assign(document.createElement('td'), { textContent: label }));
      const cell = document.createElement('td');
      cell.append(meter, `${(probability * 100).toFixed(1)}%`);
      row.append(cell);
      return row;
    });
    $('probabilities').tBodies[0].replaceChildren(...rows);
    $('probabilities').hidden = false;
    $('nearest').tBodies[0].replaceChildren(...explained.nearest.map((n) => {
      const row = document.createElement('tr');
      for (const value of [n.text, n.label, n.score.toFixed(3)]) row.append(Object.assign(document.createElement('td'), { textContent: value }));
      return row;
    }));
    $('nearest').hidden = false;
  } catch (error) {
    show(predicted, error.message, true);
  }
});

Promise.all([loadModels(), loadClassifiers()]).catch((error) => show($('create-status'), error.message, true));
