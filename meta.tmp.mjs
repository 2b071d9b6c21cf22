import { build } from 'esbuild';
for (const entry of process.argv.slice(2)) {
const r = await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node20', minify: true, write: false, metafile: true, mainFields: ['module','main'], outfile: '/tmp/x.mjs', logLevel: 'silent' });
const byPkg = {};
for (const [path, info] of Object.entries(Object.values(r.metafile.outputs)[0].inputs)) {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path); const k = m ? m[1] : path.split('/').slice(0,2).join('/');
  byPkg[k] = (byPkg[k] ?? 0) + info.bytesInOutput;
}
console.log(entry, Object.entries(byPkg).sort((a,b)=>b[1]-a[1]).slice(0,14).map(([k,v])=>`${k} ${(v/1024).toFixed(0)}K`).join(', '));
}
