/**
 * Runs in the page (page.evaluate): interactive elements that overlap, text outside its box or clipped,
 * a select's chosen option cut off, a label's word (listed or katakana) broken across lines.
 */
export declare const layoutProblems: () => {
  readonly check: 'overlap' | 'overflow' | 'cut-off' | 'split-label' | 'split-word' | 'sideways-scroll';
  readonly detail: string;
}[];
