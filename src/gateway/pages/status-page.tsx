import type { FC } from 'hono/jsx';
import type { CheckState } from '../readiness.js';

export interface StatusPageProps {
  readonly title: string;
  readonly role: string;
  readonly principal: string;
  readonly checks: Readonly<Record<string, CheckState>>;
}

/** The role's landing page until its screen is wired in: who it is and whether it is ready. */
export const StatusPage: FC<StatusPageProps> = ({ title, role, principal, checks }) => (
  <html lang="ja">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{title}</title>
      <style>{`body{font-family:system-ui,sans-serif;margin:2rem;font-size:1.25rem}
        .ok{color:#116611}.bad{color:#aa1111}td,th{padding:.3rem 1rem;text-align:left}`}</style>
    </head>
    <body>
      <h1>{title}</h1>
      <p>
        {role} · {principal}
      </p>
      <table>
        <tbody>
          {Object.entries(checks).map(([name, state]) => (
            <tr>
              <th>{name}</th>
              <td class={state.ready ? 'ok' : 'bad'}>{state.ready ? 'ready' : state.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        <a href="/readyz">/readyz</a> · <a href="/metrics">/metrics</a>
      </p>
    </body>
  </html>
);
