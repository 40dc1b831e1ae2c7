class ScriptOps(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  def forward(self: __torch__.ScriptOps,
    x: Tensor) -> Tensor:
    return x
  def adam_step(self: __torch__.ScriptOps,
    params: List[List[Tensor]],
    grads: List[List[Tensor]],
    exp_avgs: List[List[Tensor]],
    exp_avg_sqs: List[List[Tensor]],
    steps: List[List[Tensor]],
    lrs: List[float],
    step: Tensor,
    beta1: float,
    beta2: float,
    eps: float,
    clip_norm: float) -> Tensor:
    norms = annotate(List[Tensor], [])
    for g in range(torch.len(grads)):
      torch.extend(norms, torch._foreach_norm(grads[g], 2.))
    total = torch.linalg_vector_norm(torch.stack(norms), 2.)
    skip = torch.to(torch.logical_not(torch.isfinite(total)), 6)
    scale = torch.clamp_max(torch.mul(torch.reciprocal(torch.add(total, 1.0e-6)), clip_norm), 1.)
    _0 = torch.add_(step, torch.add(torch.neg(skip), 1.))
    for g in range(torch.len(lrs)):
      torch._foreach_mul_(grads[g], scale)
      torch._fused_adam_(params[g], grads[g], exp_avgs[g], exp_avg_sqs[g], annotate(List[Tensor], []), steps[g], lr=lrs[g], beta1=beta1, beta2=beta2, weight_decay=0., eps=eps, amsgrad=False, maximize=False, grad_scale=None, found_inf=skip)
      torch._foreach_zero_(grads[g])
    return total
  def lerp(self: __torch__.ScriptOps,
    targets: List[Tensor],
    sources: List[Tensor],
    weight: float) -> None:
    torch._foreach_lerp_(targets, sources, weight)
    return None
  def generator(self: __torch__.ScriptOps,
    seed: int) -> Generator:
    return torch.Generator(device="cpu", seed=seed)
  def normal(self: __torch__.ScriptOps,
    g: Generator,
    size: List[int]) -> Tensor:
    return torch.normal(0., 1., size, generator=g, dtype=6)
  def uniform(self: __torch__.ScriptOps,
    g: Generator,
    size: List[int]) -> Tensor:
    return torch.uniform_(torch.empty(size, dtype=6), 0., 1., generator=g)
  def integer(self: __torch__.ScriptOps,
    g: Generator,
    low: int,
    high: int,
    size: List[int]) -> Tensor:
    return torch.randint(low, high, size, generator=g, dtype=4)
  def keep_mask(self: __torch__.ScriptOps,
    g: Generator,
    x: Tensor,
    p: float) -> Tensor:
    keep = torch.sub(1., p)
    return torch.div_(torch.bernoulli_(torch.empty_like(x), keep, generator=g), keep)
