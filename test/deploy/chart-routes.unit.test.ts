import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

describe('the Helm chart’s routing table', () => {
  it('is an exact copy of libs/edge/routes.json (deploy/checks/sync-routes.sh copies it)', () => {
    // given the table nginx is generated from, and the chart's copy the Ingress is generated from
    const table = readFileSync(join(root, 'libs', 'edge', 'routes.json'), 'utf8');
    const copy = readFileSync(join(root, 'deploy', 'helm', 'grantline', 'files', 'routes.json'), 'utf8');

    // then they are byte for byte the same
    expect(copy).toBe(table);
  });
});
