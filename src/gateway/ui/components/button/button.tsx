import type { Child, FC } from 'hono/jsx';

export type ButtonVariant = 'primary' | 'secondary' | 'warning';

const classes = (variant: ButtonVariant, big: boolean): string =>
  ['button', variant === 'primary' ? '' : `button--${variant}`, big ? 'button--big' : '']
    .filter((c) => c !== '')
    .join(' ');

/**
 * A submit button. `warning` is for actions that cannot be taken back (handover and purge, consent
 * refused, divert, cancel, discard): red and marked ⚠, and always the second step of a `Confirm`.
 */
export const Button: FC<{
  readonly variant?: ButtonVariant;
  readonly big?: boolean;
  readonly name?: string;
  readonly value?: string;
  /** A stable hook for tests and the live script (`data-action`), never shown. */
  readonly action?: string;
  readonly type?: 'submit' | 'button';
  readonly children?: Child;
}> = ({ variant = 'primary', big = false, name, value, action, type = 'submit', children }) => (
  <button type={type} class={classes(variant, big)} name={name} value={value} data-action={action}>
    {children}
  </button>
);

/** A link that looks like a button (navigation, never a state change: those are forms). */
export const ButtonLink: FC<{
  readonly href: string;
  readonly variant?: ButtonVariant;
  readonly big?: boolean;
  /** A stable hook for tests (`data-action`), never shown. */
  readonly action?: string;
  readonly children?: Child;
}> = ({ href, variant = 'secondary', big = false, action, children }) => (
  <a href={href} class={classes(variant, big)} role="button" data-action={action}>
    {children}
  </a>
);

/** Buttons side by side, wrapping on narrow screens with a gap (they never overlap). */
export const ButtonGroup: FC<{ readonly children?: Child }> = ({ children }) => (
  <div class="button-group">{children}</div>
);
