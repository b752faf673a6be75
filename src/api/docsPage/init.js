// Swagger UI over this server's own OpenAPI document (src/api/docsRoutes.ts serves both). A file of
// its own, not an inline script: the page's Content-Security-Policy runs scripts of this origin only.
window.ui = SwaggerUIBundle({
  url: "/api/v1/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  // The public validator would be asked about this document: nothing leaves the server.
  validatorUrl: null,
});
