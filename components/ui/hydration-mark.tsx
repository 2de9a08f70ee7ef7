"use client";

import { useEffect } from "react";

/**
 * Sets `<html data-hydrated="true">` once the page's content has hydrated (place it in the page, inside its
 * Suspense boundary). End-to-end tests wait for it before typing: a field filled before hydration can be reset
 * under the cursor, and the typed text lands after the server's value.
 */
export function HydrationMark() {
  useEffect(() => {
    document.documentElement.dataset.hydrated = "true";
  }, []);
  return null;
}
