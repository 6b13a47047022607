import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Swagger UI from the `swagger-ui-dist` package, served by the API itself: the page loads nothing
 * from another origin (the API may run where there is no internet, and a CDN would see every
 * visit). The stock `index.html`/`swagger-initializer.js` point at the petstore and use inline
 * script, so the page and its initializer are written here.
 */
export const DOCS_PATH = '/docs';
export const DOCS_JSON_PATH = '/docs-json';

const distDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/** Files of swagger-ui-dist the page needs (and their source maps, which browsers ask for). */
export const SWAGGER_UI_FILES = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui.css.map': 'application/json',
  'index.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-bundle.js.map': 'application/json',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js.map': 'application/json',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
} as const;

export const INITIALIZER_FILE = 'swagger-initializer.js';
export const DOCS_ASSETS: [string, ...string[]] = [INITIALIZER_FILE, ...Object.keys(SWAGGER_UI_FILES)];

export function swaggerUiFile(name: keyof typeof SWAGGER_UI_FILES): string {
  return join(distDir, name);
}

/** No inline script, nothing from elsewhere; Swagger UI sets inline styles and draws icons from data: URLs. */
export const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const asset = (name: string) => `${DOCS_PATH}/${name}`;

export const SWAGGER_UI_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Switchboard API</title>
    <link rel="stylesheet" href="${asset('swagger-ui.css')}" />
    <link rel="stylesheet" href="${asset('index.css')}" />
    <link rel="icon" type="image/png" href="${asset('favicon-32x32.png')}" sizes="32x32" />
    <link rel="icon" type="image/png" href="${asset('favicon-16x16.png')}" sizes="16x16" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${asset('swagger-ui-bundle.js')}"></script>
    <script src="${asset('swagger-ui-standalone-preset.js')}"></script>
    <script src="${asset(INITIALIZER_FILE)}"></script>
  </body>
</html>
`;

export const SWAGGER_UI_INITIALIZER = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: ${JSON.stringify(DOCS_JSON_PATH)},
    dom_id: '#swagger-ui',
    deepLinking: true,
    persistAuthorization: true,
    displayRequestDuration: true,
    // the default badge asks validator.swagger.io about the document: nothing leaves this origin
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: 'StandaloneLayout',
  });
});
`;
