/** The RecordFormat of a spec's format (the reader thread's only switch on formats). */
import { csvFormat } from './csv-format';
import { idxFormat } from './idx-format';
import { imagesFormat } from './images-format';
import { jsonlFormat } from './jsonl-format';
import type { RecordFormat } from './record-format';
import type { StreamSpec } from './stream-spec';
import { tfrecordFormat } from './tfrecord-format';

export function recordFormat(spec: StreamSpec): RecordFormat {
  switch (spec.format) {
    case 'tfrecord':
      return tfrecordFormat(spec);
    case 'csv':
      return csvFormat(spec);
    case 'jsonl':
      return jsonlFormat(spec);
    case 'idx':
      return idxFormat(spec);
    case 'images':
      return imagesFormat(spec);
  }
}
