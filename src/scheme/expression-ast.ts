/**
 * Walking a parsed CEL expression (cel-js's syntax tree), shared by the checks made on it when a
 * scheme is compiled: which parameters it reads, and the evaluation budget.
 */
import type { ASTNode } from '@marcbachmann/cel-js';

/** The direct sub-expressions of `node`, in source order. */
export function childNodes(node: ASTNode): ASTNode[] {
  switch (node.op) {
    case 'value':
    case 'id':
      return [];
    case '.':
    case '.?':
      return [node.args[0]];
    case 'call':
      return node.args[1];
    case 'rcall':
      return [node.args[1], ...node.args[2]];
    case 'list':
      return node.args;
    case 'map':
      return node.args.flat();
    case '!_':
    case '-_':
      return [node.args];
    default:
      return [...(node.args as ASTNode[])];
  }
}
