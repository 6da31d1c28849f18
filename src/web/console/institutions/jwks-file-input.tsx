import type { MessageKey } from '../../shared/i18n/messages.js';
import { readJwksFile } from './institution-fields.js';

/**
 * A JWKS file picker as an antd form control: its value is the file's parsed `{ keys }` (the form's `jwks`), and
 * a file that is not a JWKS is reported through `onInvalid`. The API checks the keys themselves (no private parts).
 */
export function JwksFileInput({
  id,
  onChange,
  onInvalid,
  'aria-invalid': invalid,
}: {
  id?: string;
  value?: unknown;
  onChange?: (jwks: { keys: Record<string, unknown>[] } | undefined) => void;
  onInvalid: (key: MessageKey) => void;
  'aria-invalid'?: boolean;
}) {
  return (
    <input
      id={id}
      type="file"
      accept=".json,.jwks,application/json"
      aria-invalid={invalid}
      onChange={(e) => {
        const file = e.target.files?.[0];
        onChange?.(undefined);
        if (!file) return;
        void readJwksFile(file).then((r) => {
          if ('error' in r) onInvalid(r.error);
          else onChange?.(r.jwks);
        });
      }}
    />
  );
}
