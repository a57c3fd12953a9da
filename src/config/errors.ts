/** Bad input from a caller: answered 400 / exit 2, and nothing is written. */
export class UserInputError extends Error {
  override name = 'UserInputError';
  /** Where in the input the problem is (e.g. ['skip_snapshot']), when known. */
  constructor(message: string, readonly path: (string | number)[] = []) {
    super(message);
  }
}

/** A fine-tune asked for a kind that has no current model yet. */
export class PriorModelRequiredError extends UserInputError {
  override name = 'PriorModelRequiredError';
  constructor(readonly kind: string, readonly fullEndpoint: string) {
    super(`${kind} has no trained model to fine-tune yet: call POST ${fullEndpoint} first`);
  }
}

/** A trainer that does not exist yet: the run fails with this, never with a made-up result. */
export class TrainerNotImplementedError extends Error {
  override name = 'TrainerNotImplementedError';
}
