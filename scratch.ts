import { readFileSync, readdirSync } from 'node:fs';
import { parseSummary, SECTION_KEYS } from './src/records/index.ts';
const dir = '/work/shared/fixtures/jp/';
for (const f of readdirSync(dir).filter((x) => x.endsWith('.json'))) {
  const j = JSON.parse(readFileSync(dir + f, 'utf8'));
  const input = j.resourceType === 'Bundle' ? j : { resourceType: 'Bundle', type: 'collection', entry: [{ resource: j }] };
  const s = parseSummary([input], { asOf: new Date('2020-09-01') });
  const out = SECTION_KEYS.map((k) => { const x = s[k]; return x.status === 'unavailable' ? `${k}:-${x.reason}` : `${k}:${x.status}${'items' in x ? '(' + x.items.length + ')' : ''}`; }).filter((t) => !t.endsWith('not-sent'));
  console.log(f, s.rejected.length ? JSON.stringify(s.rejected) : '', out.join(' '), 'FLAGS', JSON.stringify(s.criticalFlags));
}
