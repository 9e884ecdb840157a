// The C baseline's spec mirrors the SDK's buildFilter call by call.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sdk } from '../src/node-sdk.js';
import { profileToSpec } from '../src/runner/spec.js';

test('a profile becomes init, attributes, priority and rules in the SDK order', () => {
  const spec = profileToSpec(
    {
      defaultAction: sdk.Action.errno('EPERM'),
      arches: ['x86_64', 'x86'],
      attributes: { optimize: 2 },
      rules: [
        { syscalls: ['read', 'write'], action: sdk.Action.allow },
        { syscalls: ['getppid'], action: sdk.Action.allow, conditions: [sdk.arg(0).eq(0)], priority: 255 },
      ],
    },
    'x86_64',
  );
  assert.deepEqual(spec.trim().split('\n'), [
    `default ${sdk.encodeAction(sdk.Action.errno('EPERM'))}`,
    'attr 4 1',
    'attr 8 2',
    `attr 2 ${sdk.encodeAction(sdk.Action.killProcess)}`,
    `arch-add ${sdk.archInfo('x86').token}`,
    `rule ${0x7fff0000} read 0 0`,
    `rule ${0x7fff0000} write 1 0`,
    'priority getppid 110 255',
    `rule ${0x7fff0000} getppid 110 1 0 4 0 0`,
  ]);
});
