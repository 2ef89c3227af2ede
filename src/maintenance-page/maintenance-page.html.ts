const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character]!);
}

export function maintenancePageHtml(site: string | undefined): string {
  const where = site ? escapeHtml(site) : 'This site';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Down for maintenance</title>
<style>
body{font-family:system-ui,sans-serif;display:grid;place-items:center;min-height:100vh;margin:0;background:#f6f7f9;color:#1f2933}
main{max-width:32rem;padding:2rem;text-align:center}
h1{font-size:1.6rem;margin-bottom:.5rem}
</style>
</head>
<body>
<main>
<h1>${where} is down for maintenance</h1>
<p>We are making improvements and will be back shortly. Thank you for your patience.</p>
</main>
</body>
</html>
`;
}
