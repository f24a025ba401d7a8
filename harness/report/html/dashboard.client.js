// The dashboard's page script, inlined into index.html beside uPlot: it reads
// the data embedded in the page, fills the filters, the verdict table, one
// chart card per series and the leaderboards, and draws each chart with uPlot
// when its card first scrolls near the view, so that a page of a hundred
// series opens as fast as one of ten. Plain browser JavaScript, no imports:
// the page works offline from a file:// URL.
/* global uPlot */
(function () {
  'use strict';
  performance.mark('assay:start');
  const data = JSON.parse(document.getElementById('assay-data').textContent);
  performance.mark('assay:parsed');
  const $ = (sel) => document.querySelector(sel);
  const el = (tag, attrs, ...kids) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else e.setAttribute(k, v);
    }
    for (const k of kids) e.append(k);
    return e;
  };

  // ---- formatting, as Assay's console reports write figures
  const sig = (x) => {
    if (x === 0) return '0';
    const d = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(x))));
    return x.toFixed(Math.min(d, 6));
  };
  function fmt(v, unit) {
    if (v === null || v === undefined || !isFinite(v)) return '—';
    const a = Math.abs(v);
    if (unit === 'ns') {
      if (a < 1) return sig(v * 1000) + ' ps';
      if (a < 1e3) return sig(v) + ' ns';
      if (a < 1e6) return sig(v / 1e3) + ' µs';
      if (a < 1e9) return sig(v / 1e6) + ' ms';
      return sig(v / 1e9) + ' s';
    }
    const [x, p] = a >= 1e9 ? [v / 1e9, 'G'] : a >= 1e6 ? [v / 1e6, 'M'] : a >= 1e3 ? [v / 1e3, 'k'] : [v, ''];
    return sig(x) + p + ' ' + unit;
  }
  /** Axis labels: one unit for the whole axis, and as many decimals as the tick step needs. */
  function axisFmt(vals, incr, unit) {
    const top = Math.max(...vals.map((v) => Math.abs(v || 0)));
    let div = 1, name = unit;
    if (unit === 'ns') {
      [div, name] = top >= 1e9 ? [1e9, 's'] : top >= 1e6 ? [1e6, 'ms'] : top >= 1e3 ? [1e3, 'µs'] : [1, 'ns'];
    } else {
      const [d, p] = top >= 1e9 ? [1e9, 'G'] : top >= 1e6 ? [1e6, 'M'] : top >= 1e3 ? [1e3, 'k'] : [1, ''];
      div = d;
      name = p + ' ' + unit;
    }
    const step = (incr || top || 1) / div;
    const dec = Math.min(6, Math.max(0, -Math.floor(Math.log10(step) + 1e-9)));
    return vals.map((v) => (v === null ? '' : (v / div).toFixed(dec) + ' ' + name.trim()));
  }
  const pct = (m) => (m >= 0 ? '+' : '−') + Math.abs(m * 100).toFixed(Math.abs(m) < 0.1 ? 1 : 0) + '%';
  const conf = (c) => (c >= 0.99995 ? '>99.99%' : (c * 100).toFixed(c >= 0.999 ? 2 : 1) + '%');
  const day = (t) => new Date(t * 1000).toISOString().slice(0, 10);
  const when = (t) => new Date(t * 1000).toISOString().slice(0, 16).replace('T', ' ');
  const shaOf = (s, i) => (s.sha[i] >= 0 ? data.shas[s.sha[i]] : null);
  const short = (sha) => (sha ? sha.slice(0, 10) : '—');
  const changeClass = (m) => (m > data.threshold ? 'up' : m < -data.threshold ? 'down' : '');

  // ---- header
  $('#meta').textContent = `${data.series.length} series · ${data.points.toLocaleString('en')} nights · ${data.store} · generated ${data.generatedAt.slice(0, 16).replace('T', ' ')} UTC`;

  // ---- filters
  const uniq = (f) => [...new Set(data.series.map(f))].sort();
  function fill(sel, values) {
    const s = $(sel);
    for (const v of values) s.append(el('option', { value: v, text: v }));
  }
  fill('#f-problem', uniq((s) => s.problem));
  fill('#f-backend', uniq((s) => s.kind));
  fill('#f-machine', uniq((s) => s.machine));

  // ---- verdict table, worst first
  const RANK = { failed: 0, slower: 1, short: 2, same: 3, faster: 4 };
  const order = data.series.map((s, i) => i).sort((a, b) => {
    const x = data.series[a], y = data.series[b];
    return RANK[x.verdict] - RANK[y.verdict] || (y.last ? y.last.magnitude : 0) - (x.last ? x.last.magnitude : 0) || x.id.localeCompare(y.id);
  });
  const rows = [];
  const tbody = $('#verdicts tbody');
  for (const i of order) {
    const s = data.series[i];
    const c = s.last;
    const tr = el('tr', { class: 'clickable', 'data-series': String(i) },
      el('td', {}, el('span', { class: 'badge b-' + s.verdict, text: s.verdict === 'short' ? 'too short' : s.verdict })),
      el('td', { class: 'mono', text: s.id }),
      el('td', { text: s.machine }),
      el('td', { text: s.mode }),
      el('td', { class: 'num', text: fmt(s.latest, s.unit) }),
      el('td', { class: 'num ' + (c ? changeClass(c.magnitude) : ''), text: c ? pct(c.magnitude) : '' }),
      el('td', { text: c ? day(s.t[c.i]) : '' }),
      el('td', { class: 'mono', text: c ? short(c.from) + ' … ' + short(c.to) : '' }),
      el('td', { class: 'num', text: c ? conf(c.confidence) : '' }));
    tr.addEventListener('click', () => reveal(i));
    rows[i] = tr;
    tbody.append(tr);
  }

  // ---- chart cards, in the table's order: the worst first
  const grid = $('#charts');
  const cards = [];
  for (const i of order) cards[i] = card(data.series[i], i);
  function card(s, i) {
    const n = s.changes.length;
    const chart = el('div', { class: 'chart' });
    const card = el('div', { class: 'card', id: 'series-' + i, 'data-series': String(i) },
      el('h3', { title: s.id, text: s.id }),
      el('div', { class: 'sub' },
        el('span', { class: 'badge b-' + s.verdict, text: s.verdict === 'short' ? 'too short' : s.verdict }),
        el('span', { text: s.machine + ' · ' + s.mode + ' · ' + s.kind }),
        el('span', { text: 'latest ' + fmt(s.latest, s.unit) }),
        el('span', { text: s.tooShort ? 'history too short for change points' : n + ' change point' + (n === 1 ? '' : 's') })),
      chart);
    card.__chart = chart;
    grid.append(card);
    return card;
  }

  performance.mark('assay:built');

  // ---- charts, drawn when first near the view
  const plots = [];
  const COLORS = { up: '#d1343b', down: '#178a4c', '': '#8a93a3' };
  function drawChanges(s) {
    return (u) => {
      const ctx = u.ctx;
      const { top, height } = u.bbox;
      ctx.save();
      ctx.lineWidth = 1.5 * devicePixelRatio;
      ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
      ctx.font = `${10.5 * devicePixelRatio}px system-ui, sans-serif`;
      ctx.textAlign = 'left';
      ctx.textBaseline = 'alphabetic';
      for (const c of s.changes) {
        const x = Math.round(u.valToPos(s.t[c.i], 'x', true));
        const color = COLORS[changeClass(c.magnitude)];
        ctx.strokeStyle = color;
        ctx.beginPath();
        ctx.moveTo(x, top);
        ctx.lineTo(x, top + height);
        ctx.stroke();
        ctx.fillStyle = color;
        ctx.fillText(pct(c.magnitude), x + 4 * devicePixelRatio, top + 11 * devicePixelRatio);
      }
      ctx.restore();
    };
  }
  function tooltip(s, box) {
    const tip = el('div', { class: 'tip' });
    box.append(tip);
    return (u) => {
      const i = u.cursor.idx;
      if (i === null || i === undefined || u.cursor.left < 0) {
        tip.style.display = 'none';
        return;
      }
      const lines = [
        ['night', when(s.t[i]) + ' UTC'],
        ['sha', short(shaOf(s, i))],
        s.m[i] === null ? ['state', s.notes[i] || 'not measured'] : ['median', fmt(s.m[i], s.unit)],
      ];
      if (s.lo[i] !== null && s.hi[i] !== null) lines.push(['95% CI', fmt(s.lo[i], s.unit) + ' – ' + fmt(s.hi[i], s.unit)]);
      lines.push(['mode', s.mode + (s.node[i] >= 0 ? ' · node ' + data.nodes[s.node[i]] : '')]);
      const cp = s.changes.find((c) => c.i === i);
      if (cp) lines.push(['change', pct(cp.magnitude) + ' (confidence ' + conf(cp.confidence) + ')']);
      tip.replaceChildren(...lines.map(([k, v]) => el('div', {}, el('span', { class: 'k', text: k + ' ' }), v)));
      tip.style.display = 'block';
      const left = u.over.offsetLeft + u.cursor.left;
      const w = tip.offsetWidth;
      tip.style.left = (left + 12 + w > box.clientWidth ? left - w - 12 : left + 12) + 'px';
      tip.style.top = Math.max(0, u.over.offsetTop + u.cursor.top - 20) + 'px';
    };
  }
  function draw(i) {
    if (plots[i]) return;
    const s = data.series[i];
    const box = cards[i].__chart;
    if (!s.t.length) {
      box.append(el('div', { class: 'empty', text: 'no nights recorded' }));
      plots[i] = true;
      return;
    }
    const opts = {
      width: Math.max(200, box.clientWidth),
      height: 200,
      legend: { show: false },
      cursor: { drag: { x: true, y: false }, points: { size: 7 } },
      scales: { x: { time: true } },
      axes: [
        { stroke: '#5b6475', grid: { stroke: '#eef0f4' }, ticks: { stroke: '#e3e6ec' } },
        { stroke: '#5b6475', grid: { stroke: '#eef0f4' }, ticks: { stroke: '#e3e6ec' }, size: 70, values: (u, vals, ax, space, incr) => axisFmt(vals, incr, s.unit) },
      ],
      series: [
        {},
        { label: 'median', stroke: '#2563eb', width: 1.5, points: { show: s.t.length <= 60, size: 4 } },
        { label: 'CI high', stroke: 'rgba(37,99,235,0.25)', width: 0.5, points: { show: false } },
        { label: 'CI low', stroke: 'rgba(37,99,235,0.25)', width: 0.5, points: { show: false } },
      ],
      bands: [{ series: [2, 3], fill: 'rgba(37,99,235,0.14)' }],
      hooks: { draw: [drawChanges(s)], setCursor: [tooltip(s, box)] },
    };
    plots[i] = new uPlot(opts, [s.t, s.m, s.hi, s.lo], box);
  }
  const io = new IntersectionObserver((entries) => {
    for (const e of entries) {
      if (!e.isIntersecting) continue;
      draw(Number(e.target.dataset.series));
      io.unobserve(e.target);
    }
  }, { rootMargin: '300px 0px' });
  for (const c of cards) io.observe(c);

  let resizeTimer = 0;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      plots.forEach((p, i) => p && p !== true && p.setSize({ width: Math.max(200, cards[i].__chart.clientWidth), height: 200 }));
    }, 100);
  });

  function reveal(i) {
    cards[i].scrollIntoView({ block: 'center' });
    cards[i].classList.add('flash');
    setTimeout(() => cards[i].classList.remove('flash'), 1200);
  }

  // ---- filtering
  const fProblem = $('#f-problem'), fBackend = $('#f-backend'), fMachine = $('#f-machine'), fText = $('#f-text');
  function apply() {
    const p = fProblem.value, b = fBackend.value, m = fMachine.value;
    const words = fText.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    data.series.forEach((s, i) => {
      const hay = (s.id + ' ' + s.machine + ' ' + s.mode + ' ' + s.verdict).toLowerCase();
      const ok = (!p || s.problem === p) && (!b || s.kind === b) && (!m || s.machine === m) && words.every((w) => hay.includes(w));
      cards[i].hidden = !ok;
      rows[i].hidden = !ok;
      if (ok) shown++;
    });
    $('#count').textContent = shown + ' of ' + data.series.length + ' series';
    $('#no-match').hidden = shown > 0;
  }
  if (!data.series.length) $('#no-match').textContent = 'This history store holds no runs yet: assay nightly, or assay history import FILE..., records some.';
  for (const f of [fProblem, fBackend, fMachine]) f.addEventListener('change', apply);
  fText.addEventListener('input', apply);
  apply();

  // ---- leaderboards
  const lbs = $('#leaderboards');
  if (!data.leaderboards.length) {
    lbs.append(el('div', { class: 'panel note', text: 'No scores recorded in this history store yet. Scores of candidates (assay score) that are recorded in the store appear here, per problem, with fast_p.' }));
  }
  for (const lb of data.leaderboards) {
    const table = el('table', {}, el('thead', {}, el('tr', {},
      ...['#', 'candidate', 'kind', 'verdict', 'speedup', '95% CI', 'stage', 'flags', 'recorded'].map((h) => el('th', { class: h === 'speedup' || h === '#' ? 'num' : '', text: h })))));
    const body = el('tbody');
    lb.rows.forEach((r, k) => body.append(el('tr', {},
      el('td', { class: 'num', text: String(k + 1) }),
      el('td', { class: 'mono', text: r.candidate }),
      el('td', { text: r.kind }),
      el('td', {}, el('span', { class: 'badge b-' + r.verdict, text: r.verdict })),
      el('td', { class: 'num', text: r.speedup === null ? '' : sig(r.speedup) + '×' }),
      el('td', { text: r.ci ? sig(r.ci[0]) + '× – ' + sig(r.ci[1]) + '×' : '' }),
      el('td', { text: r.stage + (r.reason ? ': ' + r.reason : '') }),
      el('td', { text: r.flags.join(', ') }),
      el('td', { text: r.recordedAt.slice(0, 10) }))));
    table.append(body);
    lbs.append(el('div', { class: 'panel lb' },
      el('h3', {}, lb.problem, el('span', { class: 'stats', text: `${lb.candidates} candidate${lb.candidates === 1 ? '' : 's'} · fast_1 ${(lb.fast1 * 100).toFixed(0)}% · fast_1.5 ${(lb.fast15 * 100).toFixed(0)}% · geomean speedup ${lb.geomean === null ? '—' : sig(lb.geomean) + '×'}` })),
      el('div', { class: 'table-wrap' }, table)));
  }

  // ---- fleet cost (a fleet's database only)
  if (data.costs.length) {
    $('#costs-section').hidden = false;
    const money = (x) => (x === null ? '' : x.toFixed(x < 1 ? 4 : 2));
    const table = el('table', {}, el('thead', {}, el('tr', {},
      ...['host', 'kind', 'jobs', 'wall s', 'CPU s', 'price / hour', 'cost'].map((h) => el('th', { class: h === 'host' || h === 'kind' ? '' : 'num', text: h })))));
    const body = el('tbody');
    for (const c of data.costs) body.append(el('tr', {},
      el('td', { class: 'mono', text: c.host }),
      el('td', { text: c.kind }),
      el('td', { class: 'num', text: String(c.jobs) }),
      el('td', { class: 'num', text: sig(c.wall_s) }),
      el('td', { class: 'num', text: sig(c.cpu_s) }),
      el('td', { class: 'num', text: money(c.price_per_hour) }),
      el('td', { class: 'num', text: money(c.cost) })));
    const priced = data.costs.filter((c) => c.cost !== null);
    const total = priced.reduce((a, c) => a + c.cost, 0);
    table.append(body);
    $('#costs').append(el('div', { class: 'panel lb' },
      el('h3', {}, 'jobs', el('span', { class: 'stats', text: `${data.costs.reduce((a, c) => a + c.jobs, 0)} jobs · cost ${priced.length ? money(total) : 'no price configured'}` })),
      el('div', { class: 'table-wrap' }, table)));
  }

  // the charts in view are drawn now, the others as they scroll near; once uPlot has
  // painted them the page is ready (tests and the load-time benchmark wait for this mark)
  for (const i of order) if (!cards[i].hidden && cards[i].getBoundingClientRect().top < innerHeight) draw(i);
  requestAnimationFrame(() => {
    performance.mark('assay:drawn');
    document.body.dataset.ready = String(plots.filter(Boolean).length);
  });
})();
