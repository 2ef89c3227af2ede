import { All, Controller, Get, Header, UseFilters } from '@nestjs/common';
import { ApiController } from './api-controller.decorator.js';
import { openApiDocument } from './openapi.document.js';
import { ApiProblem, problem } from './problem.js';
import { ProblemFilter } from './problem.filter.js';

export const DOCS_PATH = '/api/docs';
/** Where ApiModule.mount serves swagger-ui-dist's files: the reference needs nothing from another site. */
export const DOCS_ASSETS_PATH = `${DOCS_PATH}/assets`;

@ApiController('openapi.json')
export class OpenApiController {
  @Get()
  document(): object {
    return openApiDocument();
  }
}

@Controller(DOCS_PATH.slice(1))
export class DocsController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'")
  page(): string {
    return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>cloudflare-maintenance API</title>
  <link rel="stylesheet" href="${DOCS_ASSETS_PATH}/swagger-ui.css">
</head>
<body>
  <div id="reference"></div>
  <script src="${DOCS_ASSETS_PATH}/swagger-ui-bundle.js"></script>
  <script src="${DOCS_PATH}/init.js"></script>
</body>
</html>
`;
  }

  @Get('init.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  init(): string {
    return `window.ui = SwaggerUIBundle({ url: '/api/v1/openapi.json', dom_id: '#reference', deepLinking: true });\n`;
  }
}

/** Any other path under /api/v1: a problem, not Nest's own 404 body. Registered last. */
@Controller('api/v1')
@UseFilters(ProblemFilter)
export class UnknownRouteController {
  @All('*path')
  unknown(): never {
    throw new ApiProblem(problem('not_found', 'There is no such route in /api/v1; GET /api/v1/openapi.json lists them.'));
  }
}
