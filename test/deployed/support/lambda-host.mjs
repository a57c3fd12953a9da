// One Lambda "container": imports a synthesized bundle the way the nodejs runtime does (index.mjs from
// LAMBDA_TASK_ROOT, with no node_modules anywhere above it) and runs invocations sent over IPC.
// Plain JavaScript with node: imports only, so nothing of the project's node_modules is on its path.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const taskRoot = process.env.LAMBDA_TASK_ROOT;
const [moduleName, exportName] = (process.env._HANDLER ?? 'index.handler').split('.');

function serialize(error) {
  const value = error instanceof Error ? error : new Error(String(error));
  return { errorType: value.name, errorMessage: value.message, trace: String(value.stack ?? '').split('\n') };
}

let handler;
try {
  const module = await import(pathToFileURL(join(taskRoot, `${moduleName}.mjs`)).href);
  handler = module[exportName];
  if (typeof handler !== 'function') throw new Error(`${moduleName}.${exportName} is not a function`);
  process.send({ type: 'ready' });
} catch (error) {
  // Lambda reports an init failure on the invocation (Runtime.ImportModuleError and the like).
  process.send({ type: 'init-error', error: serialize(error) });
}

process.on('message', async (message) => {
  if (message.type !== 'invoke') return;
  const { id, event, deadlineMs } = message;
  const context = {
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: '$LATEST',
    invokedFunctionArn: process.env.MIZAN_TEST_FUNCTION_ARN,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: `req-${id}`,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()),
    done() {},
    fail() {},
    succeed() {},
  };
  try {
    if (!handler) throw Object.assign(new Error('the function failed to initialise'), { name: 'Runtime.InitError' });
    const result = await handler(event, context);
    process.send({ type: 'result', id, result: result === undefined ? null : JSON.parse(JSON.stringify(result)) });
  } catch (error) {
    process.send({ type: 'error', id, error: serialize(error) });
  }
});
