// Loaded (not deferred) first thing in <body>, before anything is painted: GOV.UK Frontend's
// styles for JavaScript-enhanced components apply only with these classes on <body>. A file
// rather than an inline script, so the Content-Security-Policy can forbid inline scripts.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
