// A node:test reporter that writes one JSON line with the totals, for the build's summary:
// {"passed":n,"failed":n,"skipped":n,"durationMs":n,"failures":[...]}. Suites (describe) are not counted;
// a test that was skipped (it.skip or t.skip()) or is todo counts as skipped.
export default async function* summary(source) {
  const totals = { passed: 0, failed: 0, skipped: 0, durationMs: 0, failures: [] };
  const started = Date.now();
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { data } = event;
    if (data.details?.type === 'suite') continue;
    if (data.skip !== undefined || data.todo !== undefined) totals.skipped++;
    else if (event.type === 'test:pass') totals.passed++;
    else {
      totals.failed++;
      totals.failures.push(`${data.name}: ${data.details?.error?.cause?.message ?? data.details?.error?.message ?? 'failed'}`);
    }
  }
  totals.durationMs = Date.now() - started;
  yield `${JSON.stringify(totals)}\n`;
}
