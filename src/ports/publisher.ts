/** Publishes a promoted model (Hugging Face Hub on AWS when configured; none by default). */
export interface Publisher {
  readonly enabled: boolean;
  publish(input: { kind: string; version: string; files: Record<string, Uint8Array> }): Promise<{ hf_repo: string | null; hf_url: string | null }>;
}

export const noPublisher: Publisher = {
  enabled: false,
  async publish() {
    return { hf_repo: null, hf_url: null };
  },
};
