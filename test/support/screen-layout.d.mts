/** Runs in the page (page.evaluate): interactive elements that overlap, text outside its box. */
export declare const layoutProblems: () => {
  readonly check: 'overlap' | 'overflow' | 'split-label' | 'sideways-scroll';
  readonly detail: string;
}[];
