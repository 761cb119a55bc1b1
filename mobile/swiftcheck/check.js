// Checks the Swift of a Markdown page against the Objective-C header gobind
// generates, as Swift would import it. No Swift compiler runs where this
// library is built: the ```swift blocks are parsed with tree-sitter-swift, a
// Swift grammar, and every use of the bindings is looked up in the header:
//
//   - each Mobile* name: a constant, a function, a class, or a protocol
//     (NameProtocol in Swift when a class has the same name);
//   - each call on a value of a bound class (engine.deliver(...),
//     self.engine.answer(...), config.start(), MobileParseError(...)?.kind),
//     by its name and argument labels, and each property read or set;
//   - each method a Swift class declares for a bound protocol it adopts.
//
// Swift imports a selector as gobind's names need: the first piece is the
// method's name and its argument has no label (_), every further piece labels
// its argument, and a last NSError** argument makes the method throw and is
// dropped (start:(NSError**) is start() throws). `init` is the initializer.
// Swift also prunes words that repeat a parameter's type (a piece
// "fooString:(NSString*)" would be foo(_:)): the check fails on any such piece
// rather than guess. C functions take no labels.
//
// A value's class comes from a type annotation (let engine: MobileEngine, a
// parameter _ pending: MobilePending), an initializer (MobileConfig()), or the
// return type of a bound call (guard let pending = engine.next()). A receiver
// named engine, pending, config, reason or outcome whose class cannot be told
// is a failure, not a pass; other receivers (the app's own pims, screen,
// DispatchQueue) are not the bindings'.
//
// Usage: node check.js PAGE.md HEADER.objc.h   (NODE_PATH with tree-sitter and tree-sitter-swift)
'use strict';

const fs = require('fs');
const Parser = require('tree-sitter');
const Swift = require('tree-sitter-swift');

const [page, headerPath] = process.argv.slice(2);
if (!page || !headerPath) {
  console.error('usage: node check.js PAGE.md HEADER.objc.h');
  process.exit(2);
}

// --- the header, as Swift imports it -------------------------------------

const header = fs.readFileSync(headerPath, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
const classes = new Map(); // Swift name -> {props: Map(name -> type), methods: [{name, labels, throws, returns}], inits: [labels]}
const protocols = new Map(); // Swift name -> [{name, labels, throws}]
const constants = new Set();
const functions = new Map(); // name -> {arity, returns}
const problems = [];

// swiftType reads an Objective-C type as the Swift name of a bound class
// (with whether it may be nil), or null for a plain value.
function swiftType(objc) {
  const t = objc.replace(/\s+/g, ' ').trim();
  const nullable = /_Nullable|nullable/.test(t);
  let m = t.match(/^(Mobile\w+)\s*\*/);
  if (m) return { cls: m[1], nullable };
  m = t.match(/^id<(Mobile\w+)>/);
  if (m) return { cls: m[1] + 'Protocol', nullable };
  return { cls: null, nullable };
}

const typeWords = { NSString: 'String', NSData: 'Data', int64_t: 'Int64', int32_t: 'Int32', long: 'Int', BOOL: 'Bool', double: 'Double' };

function selector(decl) {
  // - (RET)piece:(TYPE)arg piece:(TYPE)arg ...;
  const m = decl.match(/^-\s*\(([^)]*)\)\s*(.*);$/);
  if (!m) return null;
  const returns = swiftType(m[1]);
  const rest = m[2].trim();
  if (!rest.includes(':')) return { name: rest, labels: [], throws: false, returns };
  const pieces = [...rest.matchAll(/(\w+):\(([^)]*)\)\s*\w+/g)].map((p) => ({ piece: p[1], type: p[2] }));
  const name = pieces[0].piece;
  let throws = false;
  if (/NSError\s*\*\s*_Nullable\s*\*/.test(pieces[pieces.length - 1].type)) {
    pieces.pop();
    throws = true;
  }
  for (const p of pieces) {
    const base = p.type.replace(/[*\s]|_Nullable|_Nonnull/g, '');
    const word = typeWords[base] || base;
    if (p.piece.length > word.length && p.piece.endsWith(word)) {
      problems.push(`header: Swift would prune "${word}" from the selector piece "${p.piece}", which this check does not model`);
    }
  }
  if (pieces.length === 0) return { name, labels: [], throws, returns };
  return { name, labels: ['_', ...pieces.slice(1).map((p) => p.piece)], throws, returns };
}

const protocolNames = new Set([...header.matchAll(/@protocol (Mobile\w+) <NSObject>/g)].map((m) => m[1]));
for (const block of header.matchAll(/@(interface|protocol) (Mobile\w+)[^\n]*\n([\s\S]*?)@end/g)) {
  const [, kind, objcName, body] = block;
  const decls = body.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('-') || l.startsWith('@property'));
  if (kind === 'protocol') {
    protocols.set(objcName + 'Protocol', decls.map(selector).filter(Boolean));
    continue;
  }
  // A class that shares a protocol's name keeps its name; the protocol becomes NameProtocol.
  const cls = { props: new Map(), methods: [], inits: [] };
  for (const d of decls) {
    if (d.startsWith('@property')) {
      const m = d.match(/^@property\s*\(([^)]*)\)\s*(.*?)\s*(\w+);$/);
      if (m && m[3] !== '_ref') cls.props.set(m[3], swiftType(m[2]));
      continue;
    }
    if (/instancetype\)init;/.test(d)) cls.inits.push([]);
    if (/instancetype/.test(d)) continue; // initWithRef: is gobind's own
    const s = selector(d);
    if (s) cls.methods.push(s);
  }
  classes.set(objcName, cls);
}
for (const m of header.matchAll(/FOUNDATION_EXPORT\s+[^;(]*?\bconst\s+(Mobile\w+);/g)) constants.add(m[1]);
for (const m of header.matchAll(/FOUNDATION_EXPORT\s+(.*?)\s*(Mobile\w+)\(([^)]*)\);/g)) {
  functions.set(m[2], { arity: m[3].trim() === '' ? 0 : m[3].split(',').length, returns: swiftType(m[1]) });
}

function sig(name, labels) {
  return `${name}(${labels.map((l) => l + ':').join('')})`;
}

// --- the Swift --------------------------------------------------------------

const md = fs.readFileSync(page, 'utf8');
const blocks = [];
{
  const lines = md.split('\n');
  let cur = null;
  lines.forEach((line, i) => {
    if (cur === null && line === '```swift') cur = { start: i + 2, text: [] };
    else if (cur !== null && line.startsWith('```')) {
      blocks.push({ start: cur.start, text: cur.text.join('\n') });
      cur = null;
    } else if (cur !== null) cur.text.push(line);
  });
}
if (blocks.length === 0) {
  console.error(`${page}: no \`\`\`swift block`);
  process.exit(1);
}

const parser = new Parser();
parser.setLanguage(Swift);
let checked = 0;

for (const block of blocks) {
  const tree = parser.parse(block.text);
  const where = (node) => `${page}:${block.start + node.startPosition.row}`;
  const fail = (node, what) => problems.push(`${where(node)}: ${what}`);
  const text = (node) => block.text.slice(node.startIndex, node.endIndex);

  (function syntax(node) {
    if (node.type === 'ERROR' || node.isMissing) {
      const line = block.text.split('\n')[node.startPosition.row].trim();
      fail(node, `Swift that does not parse${node.isMissing ? ` (a missing ${node.type})` : ''}: ${line}`);
    }
    for (const c of node.children) syntax(c);
  })(tree.rootNode);

  // The classes of named values: one class per name in a block.
  const vars = new Map();
  const bind = (name, type, node) => {
    if (!type || !type.cls) return;
    const had = vars.get(name);
    if (had && had.cls !== type.cls) fail(node, `${name} is a ${had.cls} and a ${type.cls}: this check cannot tell them apart`);
    vars.set(name, type);
  };
  const annotated = (node) => {
    const t = node.children.find((c) => c.type === 'type_annotation' || c.type.endsWith('_type'));
    if (!t) return null;
    const m = text(t).match(/(Mobile\w+)(\?)?/);
    return m ? { cls: m[1], nullable: !!m[2] } : null;
  };

  // typeOf tells the bound class of an expression, or null.
  function typeOf(node) {
    if (!node) return null;
    switch (node.type) {
      case 'simple_identifier':
        return vars.get(text(node)) || null;
      case 'navigation_expression': {
        const target = node.childForFieldName('target');
        const member = node.childForFieldName('suffix')?.childForFieldName('suffix');
        if (!member) return null;
        if (target.type === 'self_expression') return vars.get(text(member)) || null;
        const t = typeOf(target);
        if (!t) return null;
        const cls = classes.get(t.cls);
        const p = cls && cls.props.get(text(member));
        return p && p.cls ? p : null;
      }
      case 'call_expression': {
        const callee = node.namedChildren[0];
        if (callee.type === 'simple_identifier') {
          const name = text(callee);
          if (classes.has(name)) return { cls: name, nullable: false };
          const f = functions.get(name);
          return f ? f.returns : null;
        }
        if (callee.type === 'navigation_expression') {
          const t = typeOf(callee.childForFieldName('target'));
          const name = text(callee.childForFieldName('suffix').childForFieldName('suffix'));
          const cls = t && classes.get(t.cls);
          const m = cls && cls.methods.find((x) => x.name === name);
          return m && m.returns.cls ? { cls: m.returns.cls, nullable: !m.throws && m.returns.nullable } : null;
        }
        return null;
      }
      case 'try_expression':
      case 'await_expression':
        return typeOf(node.namedChildren[node.namedChildren.length - 1]);
      case 'optional_chaining_expression':
      case 'postfix_expression':
        return typeOf(node.namedChildren[0]);
      default:
        return null;
    }
  }

  // A parameter's label (external name, or its name) and name, and its type's text.
  const param = (prm) => {
    const names = prm.childrenForFieldName('name');
    const internal = names.find((c) => c.type === 'simple_identifier');
    const type = names.find((c) => c.type !== 'simple_identifier');
    const external = prm.childForFieldName('external_name');
    return { label: text(external || internal), name: text(internal), type: type ? text(type) : '' };
  };

  // First pass: what each name is.
  (function collect(node) {
    if (node.type === 'parameter') {
      const p = param(node);
      const m = p.type.match(/^(Mobile\w+)(\?)?$/);
      if (m) bind(p.name, { cls: m[1], nullable: !!m[2] }, node);
    } else if (node.type === 'property_declaration') {
      const pattern = node.childForFieldName('name');
      const id = pattern && pattern.childForFieldName('bound_identifier');
      if (id) bind(text(id), annotated(node) || typeOf(node.childForFieldName('value')), node);
    } else if (node.type === 'if_statement' || node.type === 'guard_statement') {
      // if let x = VALUE, guard let x = VALUE
      const m = text(node).match(/^(?:if|guard)\s+let\s+(\w+)\s*=\s*/);
      if (m) {
        const at = node.startIndex + m[0].length;
        const value = node.namedChildren.find((c) => c.startIndex === at);
        bind(m[1], typeOf(value), node);
      }
    }
    for (const c of node.namedChildren) collect(c);
  })(tree.rootNode);

  const mustKnow = /^(engine|pending|config|reason|outcome)$/;

  // Second pass: every use of the bindings.
  (function use(node) {
    if (node.type === 'simple_identifier' && /^Mobile[A-Z]/.test(text(node))) {
      const name = text(node);
      const known = constants.has(name) || functions.has(name) || classes.has(name) || protocols.has(name);
      if (!known) fail(node, `${name} is not in the Objective-C header`);
      else checked++;
    }
    if (node.type === 'call_expression') {
      const callee = node.namedChildren[0];
      const args = node.descendantsOfType('value_arguments')[0];
      const labels = args ? args.namedChildren.filter((a) => a.type === 'value_argument').map((a) => {
        const l = a.childForFieldName('name');
        return l ? text(l).replace(/:$/, '') : '_';
      }) : [];
      if (callee.type === 'simple_identifier' && /^Mobile/.test(text(callee))) {
        const name = text(callee);
        const f = functions.get(name);
        const cls = classes.get(name);
        if (f && (labels.length !== f.arity || labels.some((l) => l !== '_'))) {
          fail(node, `${name} takes ${f.arity} argument(s) without labels: ${sig(name, labels)} is not ${sig(name, Array(f.arity).fill('_'))}`);
        } else if (cls && !cls.inits.some((i) => i.join() === labels.join())) {
          fail(node, `${sig(name, labels)}: ${name} has no such initializer (it has ${cls.inits.map((i) => sig(name, i)).join(', ')})`);
        }
      }
      if (callee.type === 'navigation_expression') {
        const target = callee.childForFieldName('target');
        const member = text(callee.childForFieldName('suffix').childForFieldName('suffix'));
        const t = typeOf(target);
        if (!t && mustKnow.test(text(target).replace(/^self\./, ''))) fail(node, `the class of ${text(target)} cannot be told, so ${text(target)}.${member} is unchecked`);
        const optionalUse = t && t.nullable && !text(callee).slice(text(target).length).startsWith('?');
        if (t && !optionalUse) {
          const cls = classes.get(t.cls);
          const ms = (cls ? cls.methods : protocols.get(t.cls) || []).filter((m) => m.name === member);
          if (ms.length === 0) {
            fail(node, `${text(target)}.${member}(...): ${t.cls} has no method ${member}`);
          } else if (!ms.some((m) => m.labels.join() === labels.join())) {
            fail(node, `${text(target)}.${sig(member, labels)}: ${t.cls} has ${ms.map((m) => sig(m.name, m.labels)).join(', ')}`);
          } else checked++;
        }
        use(target);
        if (args) use(args);
        for (const c of node.namedChildren) if (c !== callee && c !== args) use(c);
        return;
      }
    }
    if (node.type === 'navigation_expression' && node.parent?.type !== 'call_expression') {
      const target = node.childForFieldName('target');
      const member = text(node.childForFieldName('suffix').childForFieldName('suffix') || node);
      const t = target.type === 'self_expression' ? null : typeOf(target);
      if (!t && target.type !== 'self_expression' && mustKnow.test(text(target))) fail(node, `the class of ${text(target)} cannot be told, so ${text(target)}.${member} is unchecked`);
      const optionalUse = t && t.nullable && !text(node).slice(text(target).length).startsWith('?');
      if (t && !optionalUse) {
        const cls = classes.get(t.cls);
        if (!cls || !cls.props.has(member)) fail(node, `${text(target)}.${member}: ${t.cls} has no property ${member}`);
        else checked++;
      }
    }
    // A Swift class adopting a bound protocol implements its methods with their labels.
    if (node.type === 'class_declaration') {
      const adopted = node.descendantsOfType('user_type').map(text).filter((n) => protocols.has(n));
      for (const p of adopted) {
        const funcs = node.descendantsOfType('function_declaration').map((f) => ({
          name: text(f.childForFieldName('name')),
          labels: f.namedChildren.filter((c) => c.type === 'parameter').map((prm) => param(prm).label),
          throws: f.namedChildren.some((c) => c.type === 'throws'),
        }));
        for (const req of protocols.get(p)) {
          const impl = funcs.find((f) => f.name === req.name);
          if (!impl) fail(node, `${p} needs ${sig(req.name, req.labels)}, which the class does not declare`);
          else if (impl.labels.join() !== req.labels.join()) fail(node, `${p} needs ${sig(req.name, req.labels)}, the class declares ${sig(impl.name, impl.labels)}`);
          else if (impl.throws !== req.throws) fail(node, `${p}'s ${sig(req.name, req.labels)} ${req.throws ? 'throws' : 'does not throw'}`);
          else checked++;
        }
      }
    }
    for (const c of node.namedChildren) use(c);
  })(tree.rootNode);
}

if (problems.length > 0) {
  for (const p of new Set(problems)) console.log(p);
  console.log(`swift: ${new Set(problems).size} problem(s) in ${blocks.length} block(s)`);
  process.exit(1);
}
console.log(`swift: ${blocks.length} blocks parse; ${checked} uses of the bindings match the Objective-C header`);
