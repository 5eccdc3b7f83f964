#!/usr/bin/python3
# Reference values for tests/nn/loss_test.cpp, from PyTorch (Debian python3-torch 1.13.1).
# Run: /usr/bin/python3 tests/nn/golden_losses.py  -- and paste the printed numbers if a case changes.
import torch

torch.set_printoptions(precision=17)
f64 = torch.float64

def show(name, value):
    print(f"{name}: {value.tolist() if value.dim() else repr(value.item())}")

# Cross-entropy on logits, labels [0, 1]: plain mean and PyTorch's weighted mean.
logits = torch.tensor([[2.0, -1.0, 0.5], [0.1, 0.2, 3.0]], dtype=f64, requires_grad=True)
labels = torch.tensor([0, 1])
loss = torch.nn.functional.cross_entropy(logits, labels)
loss.backward()
show("cross_entropy", loss)
show("cross_entropy grad", logits.grad)
logits.grad = None
weights = torch.tensor([0.2, 1.5, 3.0], dtype=f64)
loss = torch.nn.functional.cross_entropy(logits, labels, weight=weights)
loss.backward()
show("cross_entropy weighted", loss)
show("cross_entropy weighted grad", logits.grad)

# Extreme logits: the fused log-sum-exp must stay finite.
extreme = torch.tensor([[1000.0, 0.0, -1000.0]], dtype=f64)
show("cross_entropy extreme", torch.nn.functional.cross_entropy(extreme, torch.tensor([2])))

# BCE and MSE; the weighted forms weight each example by its label's class weight, like
# BCELoss(weight=...) with the weight broadcast over the example's outputs (mean over B*C).
y = torch.tensor([[0.9, 0.2], [0.3, 0.6]], dtype=f64)
t = torch.tensor([[1.0, 0.0], [0.0, 1.0]], dtype=f64)
example_weight = torch.tensor([[0.5, 0.5], [2.0, 2.0]], dtype=f64)  # labels [0, 1], class weights [0.5, 2]
show("bce", torch.nn.functional.binary_cross_entropy(y, t))
show("bce weighted", torch.nn.functional.binary_cross_entropy(y, t, weight=example_weight))
certain = torch.tensor([0.0, 1.0], dtype=f64)
show("bce clamped", torch.nn.functional.binary_cross_entropy(certain, torch.ones(2, dtype=f64)))
show("mse", torch.nn.functional.mse_loss(y, t))
show("mse weighted", (example_weight * (y - t) ** 2).mean())

# reduction='sum' (LossSpec::reduction), each with its gradient with respect to the output.
def with_grad(name, function, x):
    x = x.detach().clone().requires_grad_(True)
    loss = function(x)
    loss.backward()
    show(name, loss)
    show(name + " grad", x.grad)

F = torch.nn.functional
with_grad("mse sum", lambda x: F.mse_loss(x, t, reduction="sum"), y)
with_grad("mse weighted sum", lambda x: (example_weight * (x - t) ** 2).sum(), y)  # MSELoss has no weight=
with_grad("bce sum", lambda x: F.binary_cross_entropy(x, t, reduction="sum"), y)
with_grad("bce weighted sum", lambda x: F.binary_cross_entropy(x, t, weight=example_weight, reduction="sum"), y)
with_grad("cross_entropy sum", lambda z: F.cross_entropy(z, labels, reduction="sum"), logits)
with_grad("cross_entropy weighted sum", lambda z: F.cross_entropy(z, labels, weight=weights, reduction="sum"), logits)
# sse with reduction: mean is half of MSELoss's mean: ½ Σ w (y − t)² / (B·C).
with_grad("sse mean", lambda x: 0.5 * F.mse_loss(x, t), y)
with_grad("sse weighted mean", lambda x: 0.5 * (example_weight * (x - t) ** 2).mean(), y)

# Label smoothing and probability targets (loss.label_smoothing, LossSpec::soft_targets), with and
# without class weights, mean and sum; the same logits and labels as above.
soft = torch.tensor([[0.7, 0.2, 0.1], [0.0, 0.25, 0.75]], dtype=f64)
for name, target in (("smoothed", labels), ("soft", soft)):
    for weighted in (False, True):
        for reduction in ("mean", "sum"):
            logits.grad = None
            loss = torch.nn.functional.cross_entropy(logits, target, weight=weights if weighted else None,
                                                     reduction=reduction, label_smoothing=0.2)
            loss.backward()
            case = f"cross_entropy {name}{' weighted' if weighted else ''} {reduction}"
            show(case, loss)
            show(case + " grad", logits.grad)
