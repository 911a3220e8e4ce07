// One metric's value from a replica's Prometheus endpoint, summed over its label sets: the
// integration tests read replica processes from the outside, as an operator would.
import { get } from 'node:http';

export function scrapeMetric(port: number, name: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/metrics', timeout: 3000 }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => {
        let sum = 0;
        for (const line of body.split('\n')) if (line.startsWith(name) && /^[a-z_]+(\{[^}]*\})? /.test(line)) sum += Number(line.split(' ').pop());
        resolve(sum);
      });
    }).on('error', reject);
  });
}
