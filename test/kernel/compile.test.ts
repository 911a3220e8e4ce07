import assert from 'node:assert/strict';
import type { CanonicalValue } from '../../crypto/canonical.js';
import { compileDescriptor, descriptorHash, DescriptorCompileError } from '../../kernel/api.js';
import { example } from './helpers.js';

/** The errors compiling `d` reports (fails the test if it compiles). */
function errorsOf(d: unknown): { path: string; message: string }[] {
  try {
    compileDescriptor(d);
  } catch (e) {
    assert.ok(e instanceof DescriptorCompileError, `expected DescriptorCompileError, got ${e}`);
    return e.errors;
  }
  assert.fail('descriptor compiled but should not have');
}

function kvWith(patch: (d: Record<string, any>) => void): Record<string, CanonicalValue> {
  const d = structuredClone(example('kv')) as Record<string, any>;
  patch(d);
  return d;
}

function assertError(d: unknown, path: string, fragment: RegExp): void {
  const errors = errorsOf(d);
  assert.ok(errors.some((e) => e.path === path && fragment.test(e.message)), `no error at ${path} matching ${fragment}: ${JSON.stringify(errors)}`);
}

describe('descriptor compiler', () => {
  it('compiles the examples and names them by a stable content hash', () => {
    for (const name of ['kv', 'governance', 'bench-20-rules']) {
      const c = compileDescriptor(example(name));
      assert.deepEqual(c.hash, descriptorHash(example(name)));
      assert.equal(c.hash.length, 32);
    }
    assert.notDeepEqual(compileDescriptor(example('kv')).hash, compileDescriptor(example('governance')).hash);
  });

  it('reports unknown keys at their path', () => {
    assertError(kvWith((d) => (d.colour = 'blue')), 'colour', /unknown top-level key/);
    assertError(kvWith((d) => (d.commands.put.retries = 3)), 'commands.put.retries', /unknown key/);
    assertError(kvWith((d) => (d.rules[0].priority = 1)), 'rules[0].priority', /unknown key/);
  });

  it('reports type errors in field declarations and expressions', () => {
    assertError(kvWith((d) => (d.commands.put.fields.key = 'float')), 'commands.put.fields.key.type', /field type must be one of/);
    assertError(kvWith((d) => (d.commands.put.effects[0].value = 42)), 'commands.put.effects[0].value', /holds string, got int/);
    assertError(
      kvWith((d) => (d.rules[0].when = { lt: [{ field: 'key' }, 3] })),
      'rules[0].when.lt[0]',
      /expected a int, got string/,
    );
  });

  it('reports references to undefined fields, states, limits and commands', () => {
    assertError(kvWith((d) => (d.commands.get.output = { state: 'kv', key: { field: 'nope' } })), 'commands.get.output.key.field', /has no field "nope"/);
    assertError(kvWith((d) => (d.commands.put.effects[0].set = 'missing')), 'commands.put.effects[0].set', /no state named "missing"/);
    assertError(kvWith((d) => (d.rules[0].when = { withinLimit: 'x' })), 'rules[0].when.withinLimit', /no limit named "x"/);
    assertError(kvWith((d) => (d.rules[0].commands = ['put', 'del'])), 'rules[0].commands[1]', /no command type "del"/);
  });

  it('checks a rule guard against every command it applies to', () => {
    // `value` exists on put but not on get: a rule for both must not read it.
    assertError(kvWith((d) => (d.rules[0].when = { eq: [{ field: 'value' }, 'x'] })), 'rules[0].when.eq[0].field', /command "get" has no field "value"/);
  });

  it('reports rules that can never fire', () => {
    const d = kvWith((d) => d.rules.push({ id: 'later', commands: ['get'], when: { eq: [{ field: 'key' }, 'a'] }, decision: 'DENY' }));
    assertError(d, 'rules[1]', /unreachable: rule "kv.allow" above always decides/);
  });

  it('reports duplicate rule ids, bad decisions and incomplete approval gates', () => {
    assertError(kvWith((d) => d.rules.unshift({ ...d.rules[0], when: false })), 'rules[1].id', /duplicate rule id/);
    assertError(kvWith((d) => (d.rules[0].decision = 'MAYBE')), 'rules[0].decision', /must be one of/);
    assertError(kvWith((d) => (d.rules[0].decision = 'REQUIRE_APPROVAL')), 'rules[0].approval', /needs/);
    assertError(
      kvWith((d) => Object.assign(d.rules[0], { decision: 'REQUIRE_APPROVAL', approval: { approvers: { ids: ['a'] }, threshold: 2, expiresAfterHeights: 5 } })),
      'rules[0].approval.threshold',
      /1\.\.1/,
    );
  });

  it('rejects reserved command names, floats and non-objects', () => {
    assertError(kvWith((d) => (d.commands['gov.evil'] = { fields: {} })), 'commands.gov.evil', /may not start with gov/);
    assertError(kvWith((d) => (d.commands.put.fuel = 2.5)), '', /not canonical/);
    assertError([], '', /a descriptor is an object/);
  });

  it('passes workflow errors through with their paths (unreachable nodes, forbidden cycles)', () => {
    const d = kvWith((d) => {
      d.workflows = {
        flow: {
          start: 'begin',
          end: 'done',
          conditions: { begin: { next: ['a'] } },
          tasks: { a: { next: ['done'] }, orphan: { next: ['done'] } },
        },
      };
    });
    const errors = errorsOf(d);
    assert.ok(errors.some((e) => e.path.startsWith('workflows.flow') && /orphan|reach/i.test(e.path + e.message)), JSON.stringify(errors));
  });

  it('collects every error, not just the first', () => {
    const d = kvWith((d) => {
      d.version = 0;
      d.name = '';
      d.commands.put.fuel = 0;
    });
    const paths = errorsOf(d).map((e) => e.path);
    for (const p of ['version', 'name', 'commands.put.fuel']) assert.ok(paths.includes(p), `${p} missing from ${paths}`);
  });
});
