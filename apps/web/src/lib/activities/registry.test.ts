/**
 * The two activity registries stay in step: every step type the core knows has its screens in the
 * web app and nothing else does. The type assertions are checked by `pnpm check` (svelte-check
 * type-checks this file): a core activity without a web folder, or a web folder without a core
 * module, fails the check; `activityUis` itself is declared with `satisfies` for the same reason.
 */
import { activities, type ActivityType } from '@canopy/core';
import { describe, expect, expectTypeOf, it } from 'vitest';
// type-only: the registry's components are Svelte files, which this test runner does not load
import type { activityUis } from './index';

describe('the activity registries', () => {
  it('have the same step types, each under its module’s own type', () => {
    expectTypeOf<keyof typeof activityUis>().toEqualTypeOf<ActivityType>();
    for (const [type, mod] of Object.entries(activities)) expect(mod.type).toBe(type);
  });
});
