/**
 * A chart of the --log-dir report could not be drawn: the chart worker failed to start or
 * died, or vega rejected a spec. Not retryable: the charting packages must be installed.
 */
import { SynclineError } from '@syncline/core';

export class ChartRenderError extends SynclineError {
  override readonly name = 'ChartRenderError';

  /** `what` names the chart ("the loss chart", "curves.png"). */
  constructor(
    readonly what: string,
    cause?: unknown,
  ) {
    const why = cause instanceof Error ? `: ${cause.message.split('\n')[0]}` : '';
    super(
      'REPORT_ERROR',
      `Could not draw ${what} for the --log-dir report${why}. Check that vega, vega-lite and @resvg/resvg-js are installed (npm ci); ` +
        'if they are, the chart spec is at fault: please report it, and run without --log-dir meanwhile.',
      { cause },
    );
  }
}
