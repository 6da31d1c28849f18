/** Hands `blob` to the browser as a download named `name` (a link clicked and let go). */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  // The download has its own copy once started; the URL need not outlive this turn of the event loop by much.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
