/**
 * Global-norm gradient clipping (Keras' global_clipnorm, PyTorch's clip_grad_norm_): one L2
 * norm over the whole (already all-reduced) gradient, summed in float64 in index order so
 * every replica computes the same scale from the same gradient.
 */

/** min(1, clipNorm / ||g||_2); 1 for a zero gradient. */
export function globalNormClipScale(gradients: Float32Array, clipNorm: number): number {
  let sum = 0;
  for (let i = 0; i < gradients.length; i++) sum += gradients[i]! * gradients[i]!;
  const norm = Math.sqrt(sum);
  return norm > clipNorm ? clipNorm / norm : 1;
}
