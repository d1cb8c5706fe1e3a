/**
 * The `syncline train` flags of bring-your-own data (issue 16): --format, --label,
 * --features, --shuffle-buffer, --validation-data. Kept apart from train-options.ts so the
 * data flags read as one idea; addTrainFlags and validateTrainOptions call in here.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { InvalidConfigError, STREAM_FORMATS, type StreamFormat } from '@syncline/core';

/** What the data flags asked for (all optional: without them --data is a Fashion-MNIST IDX directory). */
export interface DataFlags {
  readonly format?: StreamFormat;
  readonly label?: string;
  readonly features?: readonly string[];
  readonly shuffleBuffer?: number;
  readonly validationData?: string;
}

function positiveInt(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${flag} must be an integer >= 1, got "${v}"`);
    return n;
  };
}

/** Adds the data flags to `cmd`. */
export function addDataFlags(cmd: Command): Command {
  return cmd
    .addOption(new Option('--format <name>', 'format of --data files (default: from the file names)').choices([...STREAM_FORMATS]))
    .option('--label <name>', 'label feature or column of --data (default "label")')
    .option('--features <names>', 'comma-separated feature names or columns, in order (default: all but the label)')
    .option('--shuffle-buffer <n>', 'records in the shuffle buffer of streamed data (default 10000)', positiveInt('--shuffle-buffer'))
    .option('--validation-data <path|glob>', 'validation and test data in the format of --data (streamed)');
}

/** Reads the data flags out of commander's options. Throws InvalidConfigError for an empty --features. */
export function validateDataFlags(o: Record<string, unknown>): DataFlags {
  const features = typeof o.features === 'string' ? o.features.split(',').map((f) => f.trim()) : undefined;
  if (features && features.some((f) => f === '')) throw new InvalidConfigError('--features', o.features, 'comma-separated names, none empty');
  return {
    ...(o.format !== undefined ? { format: o.format as StreamFormat } : {}),
    ...(o.label !== undefined ? { label: o.label as string } : {}),
    ...(features ? { features } : {}),
    ...(o.shuffleBuffer !== undefined ? { shuffleBuffer: o.shuffleBuffer as number } : {}),
    ...(o.validationData !== undefined ? { validationData: o.validationData as string } : {}),
  };
}

/** True when the flags ask for nothing but the built-in Fashion-MNIST IDX directory. */
export function isPlainIdxRun(flags: DataFlags): boolean {
  return Object.keys(flags).length === 0;
}
