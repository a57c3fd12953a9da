/**
 * Secrets Manager for the deployed tier, on its wire protocol (awsJson1_1, `X-Amz-Target:
 * secretsmanager.GetSecretValue`): the secrets the test puts, by ARN or name.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from '../../support/read-body.ts';

export class SecretsManagerServer {
  readonly secrets = new Map<string, string>();
  url = '';
  private server: Server | undefined;

  async start(): Promise<void> {
    this.server = createServer(async (request, response) => {
      const body = JSON.parse((await readBody(request)).toString('utf8') || '{}') as { SecretId?: string };
      const reply = (status: number, payload: unknown) => {
        response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify(payload));
      };
      if (request.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue') return reply(400, { __type: 'UnknownOperationException', message: 'only GetSecretValue is served here' });
      const id = String(body.SecretId);
      const value = this.secrets.get(id);
      if (value === undefined) return reply(400, { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." });
      const name = id.startsWith('arn:') ? id.split(':')[6]! : id;
      reply(200, { ARN: id, Name: name, SecretString: value, VersionId: 'v1', VersionStages: ['AWSCURRENT'], CreatedDate: Date.now() / 1000 });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
