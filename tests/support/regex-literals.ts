// Every regular expression in the sources: literals, and RegExp constructors whose pattern is folded
// from string constants of the same file. Parts only known at run time (an escaped name) become a sample
// word, so the rest of the pattern is still checked.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

export interface FoundRegex {
  /** file:line where the expression is written. */
  where: string;
  source: string;
  flags: string;
}

/** A stand-in for a run-time value spliced into a pattern (always escaped data in this code base). */
const RUNTIME_SAMPLE = 'Name';

export function regexesIn(root: string): FoundRegex[] {
  return tsFiles(root).flatMap((file) => regexesOfFile(file, relative(join(root, '..'), file)));
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function regexesOfFile(path: string, name: string): FoundRegex[] {
  const sourceFile = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.ES2022, true);
  const constants = new Map<string, ts.Expression>();
  const collectConstants = (node: ts.Node) => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer)
      constants.set(node.name.text, node.initializer);
    ts.forEachChild(node, collectConstants);
  };
  collectConstants(sourceFile);

  const fold = (node: ts.Expression): string => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
    if (ts.isParenthesizedExpression(node)) return fold(node.expression);
    if (ts.isTemplateExpression(node))
      return node.head.text + node.templateSpans.map((s) => fold(s.expression) + s.literal.text).join('');
    if (ts.isTaggedTemplateExpression(node) && node.tag.getText() === 'String.raw') {
      const template = node.template;
      const raw = (literal: ts.TemplateLiteralLikeNode) => literal.rawText ?? literal.text;
      if (ts.isNoSubstitutionTemplateLiteral(template)) return raw(template);
      return (
        raw(template.head) + template.templateSpans.map((s) => fold(s.expression) + raw(s.literal)).join('')
      );
    }
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken)
      return fold(node.left) + fold(node.right);
    if (ts.isIdentifier(node)) {
      const initializer = constants.get(node.text);
      if (initializer) return fold(initializer);
    }
    return RUNTIME_SAMPLE;
  };

  const found: FoundRegex[] = [];
  const where = (node: ts.Node) =>
    `${name}:${sourceFile.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const visit = (node: ts.Node) => {
    if (ts.isRegularExpressionLiteral(node)) {
      const text = node.text;
      const slash = text.lastIndexOf('/');
      found.push({ where: where(node), source: text.slice(1, slash), flags: text.slice(slash + 1) });
    } else if (
      (ts.isNewExpression(node) || ts.isCallExpression(node)) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'RegExp' &&
      node.arguments?.[0]
    ) {
      const flags = node.arguments[1];
      found.push({
        where: where(node),
        source: fold(node.arguments[0]),
        flags: flags && ts.isStringLiteralLike(flags) ? flags.text : '',
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}
