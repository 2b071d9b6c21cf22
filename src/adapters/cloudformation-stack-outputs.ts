import {
  type CloudFormationClient,
  DescribeStacksCommand,
  type DescribeStacksCommandOutput,
} from '@aws-sdk/client-cloudformation';
import { UsageError } from '../core/errors.ts';

/** A deployed stack's outputs by output key; a stack that does not exist is a UsageError naming it. */
export async function readStackOutputs(
  cloudformation: CloudFormationClient,
  stackName: string,
): Promise<Record<string, string>> {
  let stacks: DescribeStacksCommandOutput['Stacks'];
  try {
    ({ Stacks: stacks } = await cloudformation.send(new DescribeStacksCommand({ StackName: stackName })));
  } catch (error) {
    // CloudFormation answers an unknown stack with a ValidationError "Stack with id … does not exist".
    if ((error as Error).name === 'ValidationError' && /does not exist/.test((error as Error).message))
      throw new UsageError(`stack ${stackName} does not exist`, {
        cause: error,
      });
    throw error;
  }
  const outputs: Record<string, string> = {};
  for (const output of stacks?.[0]?.Outputs ?? [])
    if (output.OutputKey && output.OutputValue !== undefined) outputs[output.OutputKey] = output.OutputValue;
  return outputs;
}
