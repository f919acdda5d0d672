/**
 * Stylesheets imported from scripts: webpack's mini-css-extract takes them out into CSS files
 * (an on-demand chunk's `import()` resolves once its stylesheet has loaded); nothing is exported.
 */
declare module '*.scss';
