// GeneralizedJsd, as TRL's generalized_jsd_loss. One work-group per row n:
//   pass 1  max and log Z of the student row and of each teacher row
//   pass 2  per context: jsd, KL(p_S || m) and grad (+)= c gamma p_S (log p_S - log m)
//           (beta = 0: grad (+)= c (p_S - p_T))
//   pass 3  grad -= p_S * sum_k c gamma KL_k                      (beta > 0)
// c = mask[n] * scale / T with scale = 1 / (K M); row_loss[n] = mask[n] sum_k jsd[k, n].
// Every work-item touches the same columns in passes 2 and 3, so they need no barrier.
inline void generalized_jsd_row(__global const float* z, __global const float* u, __global const float* mask,
                                int rows, int V, int K, float inv_t, float beta, float scale,
                                __global float* jsd_out, __global float* row_loss, __global float* grad,
                                __local float* scratch) {
  const int n = get_group_id(0);
  const int lid = get_local_id(0);
  __global const float* row = z + (size_t) n * V;
  __global float* g = grad + (size_t) n * V;
  const float sm = row_max(row, V, scratch);
  const float slz = row_log_z(row, V, sm, inv_t, scratch);
  const float c = mask[n] * scale * inv_t;
  const float gamma = beta == 1.0f ? 1.0f : 1.0f - beta;
  float correction = 0.0f;
  float loss = 0.0f;
  for (int k = 0; k < K; k++) {
    __global const float* t = u + ((size_t) k * rows + n) * V;
    const float tm = row_max(t, V, scratch);
    const float tlz = row_log_z(t, V, tm, inv_t, scratch);
    float j = 0.0f;
    float kl = 0.0f;
    for (int i = lid; i < V; i += WG) {
      float a = fmax((row[i] - sm) * inv_t - slz, LOG_FLOOR);
      float b = fmax((t[i] - tm) * inv_t - tlz, LOG_FLOOR);
      float ps = exp(a);
      float pt = exp(b);
      float d;
      if (beta == 0.0f) {
        j += pt * (b - a);
        d = c * (ps - pt);
      } else if (beta == 1.0f) {
        float st = ps * (a - b);
        j += st;
        kl += st;
        d = c * st;
      } else {
        float lm = fmax(log((1.0f - beta) * ps + beta * pt), LOG_FLOOR);
        float st = ps * (a - lm);
        j += beta * pt * (b - lm) + (1.0f - beta) * st;
        kl += st;
        d = c * gamma * st;
      }
      g[i] = k == 0 ? d : g[i] + d;
    }
    j = group_sum(j, scratch);
    kl = group_sum(kl, scratch);
    if (lid == 0) jsd_out[k * rows + n] = j;
    loss += mask[n] * j;
    correction += c * gamma * kl;
  }
  if (beta != 0.0f && c != 0.0f) {
    for (int i = lid; i < V; i += WG) {
      g[i] -= exp((row[i] - sm) * inv_t - slz) * correction;
    }
  }
  if (lid == 0) row_loss[n] = loss;
}

__kernel void generalized_jsd(__global const float* z, __global const float* u, __global const float* mask,
                              int rows, int V, int K, float inv_t, float beta, float scale,
                              __global float* jsd_out, __global float* row_loss, __global float* grad) {
  __local float scratch[WG];
  generalized_jsd_row(z, u, mask, rows, V, K, inv_t, beta, scale, jsd_out, row_loss, grad, scratch);
}
