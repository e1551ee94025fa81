// GrpoLoss. One work-group per row n: log Z of the student row gives s; the token's loss and
// dl/ds as GrpoLoss documents; the gradient (mask[n] scale / T) dl/ds (onehot(token) - p_S) with
// scale = 1 / M.
inline void grpo_loss_row(__global const float* z, __global const int* tokens, __global const float* mask,
                          __global const float* old_lp, __global const float* ref_lp, __global const float* adv,
                          int V, float inv_t, float eps_low, float eps_high, float kl_coef, float scale,
                          __global float* s_out, __global float* row_loss, __global float* grad,
                          __local float* scratch) {
  const int n = get_group_id(0);
  const int lid = get_local_id(0);
  const int tok = tokens[n];
  __global const float* row = z + (size_t) n * V;
  const float sm = row_max(row, V, scratch);
  const float slz = row_log_z(row, V, sm, inv_t, scratch);
  const float s = (row[tok] - sm) * inv_t - slz;
  const float rho = exp(s - old_lp[n]);
  const float unclipped = rho * adv[n];
  const float clipped = clamp(rho, 1.0f - eps_low, 1.0f + eps_high) * adv[n];
  const float log_ratio = ref_lp[n] - s;
  const float l = -fmin(unclipped, clipped) + kl_coef * (exp(log_ratio) - log_ratio - 1.0f);
  const float dlds = (unclipped <= clipped ? -unclipped : 0.0f) + kl_coef * (1.0f - exp(log_ratio));
  const float c = mask[n] * dlds * scale * inv_t;
  __global float* g = grad + (size_t) n * V;
  for (int i = lid; i < V; i += WG) {
    g[i] = c * ((i == tok ? 1.0f : 0.0f) - exp((row[i] - sm) * inv_t - slz));
  }
  if (lid == 0) {
    s_out[n] = s;
    row_loss[n] = mask[n] * l;
  }
}

__kernel void grpo_loss(__global const float* z, __global const int* tokens, __global const float* mask,
                        __global const float* old_lp, __global const float* ref_lp, __global const float* adv,
                        int V, float inv_t, float eps_low, float eps_high, float kl_coef, float scale,
                        __global float* s_out, __global float* row_loss, __global float* grad) {
  __local float scratch[WG];
  grpo_loss_row(z, tokens, mask, old_lp, ref_lp, adv, V, inv_t, eps_low, eps_high, kl_coef, scale, s_out, row_loss,
                grad, scratch);
}
