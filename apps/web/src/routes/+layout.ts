// A client-rendered app: tokens live in localStorage and URL fragments, which only the browser sees.
export const ssr = false;
export const prerender = false;
