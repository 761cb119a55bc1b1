// Checks the machines `enroll export` writes with XState's own libraries:
//
//   node check.mjs PATHS.json RUNS.json DIR
//
// PATHS.json is `enroll paths -json`, RUNS.json the sample program's runs,
// DIR holds every flow's NAME.xstate.mjs, NAME.xstate.json and NAME.scxml.
// For every flow it checks that the module loads and holds the JSON config,
// that @xstate/graph's shortest and simple paths equal enroll paths's, that
// every sampled run of the engine, replayed as events, makes the same
// transitions and ends in the same state, and that every cond of the SCXML
// document decides as the XState guard of its transition does, in every
// context. `run` beside this file does it all.
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { createActor, createMachine } from 'xstate';
import { getShortestPaths, getSimplePaths } from '@xstate/graph';

const [pathsFile, runsFile, dir] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node check.mjs PATHS.json RUNS.json DIR');
  process.exit(2);
}
const plans = JSON.parse(readFileSync(pathsFile, 'utf8'));
const runs = JSON.parse(readFileSync(runsFile, 'utf8'));

let failures = 0;
function fail(msg) {
  failures++;
  if (failures <= 40) console.error(`FAIL ${msg}`);
}

// ours: "start -begin-> checking_enrollment -...-> enrolled"
const ourText = (steps) => 'start' + steps.map((s) => ` -${s.event}-> ${s.to}`).join('');
// @xstate/graph's: the first step is the initial state, each next one the
// state an event led to.
const graphText = (path) =>
  'start' + path.steps.slice(1).map((s) => ` -${s.event.type}-> ${s.state.value}`).join('');

function compareSets(flow, what, ours, theirs) {
  const a = [...ours].sort();
  const b = [...theirs].sort();
  if (isDeepStrictEqual(a, b)) return;
  const onlyOurs = a.filter((x) => !b.includes(x));
  const onlyTheirs = b.filter((x) => !a.includes(x));
  fail(`${flow}: ${what}: enroll paths has ${a.length}, @xstate/graph ${b.length}` +
    onlyOurs.slice(0, 5).map((x) => `\n  only enroll paths: ${x}`).join('') +
    onlyTheirs.slice(0, 5).map((x) => `\n  only @xstate/graph: ${x}`).join(''));
}

// The transitions of an SCXML document that have a cond, read from the
// text enroll export writes (xmllint and qscxmlc check it is SCXML).
function scxmlConds(text) {
  const unescape = (v) =>
    v.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#10;/g, '\n').replace(/&amp;/g, '&');
  const out = [];
  let state = null;
  for (const m of text.matchAll(/<(state|final) id="([^"]+)"|<transition event="([^"]+)" target="[^"]+"(?: cond="([^"]*)")?/g)) {
    if (m[2]) state = m[2];
    else if (m[4] !== undefined) out.push({ state, event: m[3], cond: unescape(m[4]) });
  }
  return out;
}

// Every cond decides as its transition's guard, for every value of the
// context: each call field null or any state of the machine, restored or
// not.
function compareConds(flow, machine, config, scxml) {
  const values = [null, ...Object.keys(config.states)];
  const conds = scxmlConds(scxml);
  let guarded = 0;
  for (const st of Object.values(config.states)) {
    for (const tr of Object.values(st.on ?? {})) if (tr.guard) guarded++;
  }
  if (conds.length !== guarded) fail(`${flow}: ${conds.length} conds in SCXML, ${guarded} guards in XState`);
  for (const { state, event, cond } of conds) {
    const guard = config.states[state]?.on?.[event]?.guard;
    if (!guard) {
      fail(`${flow}: ${state} -${event}-> has a cond in SCXML, no guard in XState`);
      continue;
    }
    const impl = machine.implementations.guards[guard.type];
    const evaluate = new Function('interruptedCall', 'verifiedCall', 'restored', `return (${cond});`);
    for (const a of values) {
      for (const b of values) {
        for (const r of [false, true]) {
          const context = { interruptedCall: a, verifiedCall: b, restored: r };
          if (evaluate(a, b, r) !== impl({ context }, guard.params)) {
            fail(`${flow}: ${state} -${event}->: cond ${cond} and guard ${guard.type} disagree at ${JSON.stringify(context)}`);
            return 0;
          }
        }
      }
    }
  }
  return conds.length;
}

const table = [];
for (const plan of plans) {
  const { flow } = plan;
  const base = resolve(dir, flow);
  const { machine } = await import(pathToFileURL(`${base}.xstate.mjs`).href);
  const config = JSON.parse(readFileSync(`${base}.xstate.json`, 'utf8'));
  const { schemas, ...moduleConfig } = machine.config; // setup() adds schemas
  if (!isDeepStrictEqual(moduleConfig, config)) fail(`${flow}: the module's config is not the JSON config`);
  createMachine(config); // the JSON config loads on its own, implementations aside
  if (machine.id !== flow) fail(`${flow}: machine id ${machine.id}`);
  const conds = compareConds(flow, machine, config, readFileSync(`${base}.scxml`, 'utf8'));

  // Shortest paths over the complete machine: for every state, the first
  // path of least weight in @xstate/graph's order (it lists one per state
  // and context).
  const best = new Map();
  for (const p of getShortestPaths(machine)) {
    const v = p.state.value;
    if (v === 'start') continue;
    if (!best.has(v) || p.weight < best.get(v).weight) best.set(v, p);
  }
  const ourShortest = plan.shortest.filter((s) => s.steps !== null).map((s) => `${s.state}: ${ourText(s.steps)}`);
  const theirShortest = [...best].map(([v, p]) => `${v}: ${graphText(p)}`);
  compareSets(flow, 'shortest paths', ourShortest, theirShortest);

  // Simple paths to a final state, over the edges enroll paths enumerates:
  // the machine's guards decide which it may take.
  const offered = new Map();
  for (const e of plan.edges) {
    if (!offered.has(e.from)) offered.set(e.from, []);
    offered.get(e.from).push({ type: e.event });
  }
  const simple = getSimplePaths(machine, {
    events: (snapshot) => offered.get(snapshot.value) ?? [],
    toState: (snapshot) => snapshot.status === 'done',
  });
  compareSets(flow, 'simple paths', plan.simple.map((s) => s.text), simple.map(graphText));

  // Sampled runs of the engine, event by event.
  let replayed = 0;
  for (const run of runs.filter((r) => r.flow === flow)) {
    const actor = createActor(machine).start();
    const where = `${flow} run seed ${run.seed} (${run.settings})`;
    let ok = true;
    for (const [i, t] of run.transitions.entries()) {
      const before = actor.getSnapshot().value;
      if (before !== t.from) {
        fail(`${where}: transition ${i + 1}: the engine left ${t.from}, the machine is in ${before}`);
        ok = false;
        break;
      }
      actor.send({ type: t.event });
      const after = actor.getSnapshot().value;
      if (after !== t.to) {
        fail(`${where}: transition ${i + 1}: ${t.from} -${t.event}-> ${t.to} in the engine, ${after} in the machine`);
        ok = false;
        break;
      }
    }
    const end = actor.getSnapshot();
    if (ok && (end.value !== run.end || end.status !== 'done')) {
      fail(`${where}: the engine ended in ${run.end}, the machine is in ${end.value} (${end.status})`);
      ok = false;
    }
    actor.stop();
    if (ok) replayed++;
  }
  const runCount = runs.filter((r) => r.flow === flow).length;
  if (runCount === 0) fail(`${flow}: no sampled run`);
  table.push({
    flow,
    shortest: `${ourShortest.length} / ${theirShortest.length}`,
    simple: `${plan.simple.length} / ${simple.length}`,
    runs: `${replayed} / ${runCount}`,
    conds,
  });
}

console.log('flow                 shortest (ours / @xstate/graph)  simple (ours / @xstate/graph)  runs replayed  SCXML conds = guards');
for (const r of table) {
  console.log(`${r.flow.padEnd(20)} ${r.shortest.padEnd(32)} ${r.simple.padEnd(30)} ${r.runs.padEnd(14)} ${r.conds}`);
}
if (plans.length === 0) fail('no flow to check');
if (failures > 0) {
  console.error(`${failures} failures`);
  process.exit(1);
}
console.log(`xstate check: ${plans.length} flows, every path set and sampled run agree`);
