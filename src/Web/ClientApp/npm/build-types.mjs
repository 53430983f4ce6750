// Writes the package's .d.ts files into npm/dist/types (after `vite build --config vite.lib.config.ts` has
// written the JavaScript). tsc alone is not enough: the sources import each other without extensions, which
// suits bundlers, but a consumer whose tsconfig says "moduleResolution": "nodenext" reads a .d.ts in a
// "type": "module" package by Node's ESM rules, where `from './client'` resolves to nothing and every type behind
// it silently becomes `any`. So each relative specifier is rewritten, on the syntax tree, to the file tsc
// resolved it to ('./client' → './client.js', '../realtime' → '../realtime/index.js').
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const clientApp = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const configFile = resolve(clientApp, 'tsconfig.lib.json');
const { config, error } = ts.readConfigFile(configFile, ts.sys.readFile);
if (error) fail([error]);
const { options, fileNames, errors } = ts.parseJsonConfigFileContent(config, ts.sys, clientApp, undefined, configFile);
if (errors.length > 0) fail(errors);

const program = ts.createProgram({ rootNames: fileNames, options });
const diagnostics = ts.getPreEmitDiagnostics(program);
if (diagnostics.length > 0) fail(diagnostics);

/** `specifier` as written in `fromFile`, made explicit: the .js path of the file it resolves to. */
function explicit(specifier, fromFile) {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return specifier;
  const resolved = ts.resolveModuleName(specifier, fromFile, options, ts.sys).resolvedModule;
  if (!resolved || resolved.isExternalLibraryImport) throw new Error(`${fromFile}: cannot resolve '${specifier}' to a source file`);
  const target = relative(dirname(fromFile), resolved.resolvedFileName).replace(/\.tsx?$/, '.js').replaceAll('\\', '/');
  return target.startsWith('.') ? target : `./${target}`;
}

/** Rewrites `import … from`, `export … from` and `import('…')` types in one declaration file. */
const explicitSpecifiers = (context) => (file) => {
  const f = context.factory;
  const fromFile = ts.getOriginalNode(file).fileName;
  const literal = (node) => f.createStringLiteral(explicit(node.text, fromFile));
  const visit = (node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      return f.updateImportDeclaration(node, node.modifiers, node.importClause, literal(node.moduleSpecifier), node.attributes);
    }
    if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      return f.updateExportDeclaration(node, node.modifiers, node.isTypeOnly, node.exportClause, literal(node.moduleSpecifier), node.attributes);
    }
    if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      const typeArguments = node.typeArguments && ts.visitNodes(node.typeArguments, visit, ts.isTypeNode);
      return f.updateImportTypeNode(node, f.createLiteralTypeNode(literal(node.argument.literal)), node.attributes, node.qualifier, typeArguments, node.isTypeOf);
    }
    return ts.visitEachChild(node, visit, context);
  };
  return ts.isSourceFile(file) ? ts.visitNode(file, visit) : file;
};

const result = program.emit(undefined, undefined, undefined, true, { afterDeclarations: [explicitSpecifiers] });
if (result.emitSkipped || result.diagnostics.length > 0) fail(result.diagnostics);

function fail(list) {
  const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => clientApp, getNewLine: () => '\n' };
  console.error(ts.formatDiagnosticsWithColorAndContext(list, host));
  process.exit(1);
}
