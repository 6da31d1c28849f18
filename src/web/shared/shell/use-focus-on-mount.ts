import { useEffect, useRef } from 'react';

/**
 * A ref for the heading of something that opens below what was pressed (an application form, a consent
 * screen): when it appears, focus moves to it, which scrolls it into view and has a screen reader read it. Give
 * the heading `tabIndex={-1}`.
 */
export function useFocusOnMount<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return ref;
}
