"""The paper's 4-block CNNs and SiftFunnel's objective in PyTorch, layer for layer as the Java
models (siftfunnel-model: Classifier4, SiftFunnelCnn, SiftFunnelObjective; paper spec §5.2-5.4).
Shared by torch_train_step.py; written for Debian's python3-torch 1.13."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class SE(nn.Module):
    def __init__(self, c, r):
        super().__init__()
        self.fc = nn.Sequential(nn.Linear(c, c // r, bias=False), nn.ReLU(), nn.Linear(c // r, c, bias=False), nn.Sigmoid())

    def forward(self, x):
        n, c = x.shape[:2]
        return x * self.fc(x.mean((2, 3))).view(n, c, 1, 1)


class Gate(nn.Module):
    """Z-pool [max, mean] over dim 1, Conv 7x7 2->1 (no bias) + BN(1), sigmoid, multiply."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 1, 7, padding=3, bias=False)
        self.bn = nn.BatchNorm2d(1, eps=1e-5, momentum=0.01)

    def forward(self, x):
        z = torch.cat((x.max(1, keepdim=True)[0], x.mean(1, keepdim=True)), 1)
        return x * torch.sigmoid(self.bn(self.conv(z)))


class Triplet(nn.Module):
    def __init__(self):
        super().__init__()
        self.cw, self.hc, self.hw = Gate(), Gate(), Gate()

    def forward(self, x):
        cw = self.cw(x.permute(0, 2, 1, 3).contiguous()).permute(0, 2, 1, 3).contiguous()
        hc = self.hc(x.permute(0, 3, 2, 1).contiguous()).permute(0, 3, 2, 1).contiguous()
        return (self.hw(x) + cw + hc) * (1.0 / 3.0)


class CBAM(nn.Module):
    def __init__(self, c, ratio):
        super().__init__()
        self.fc1 = nn.Conv2d(c, c // ratio, 1, bias=False)
        self.fc2 = nn.Conv2d(c // ratio, c, 1, bias=False)
        self.sa = nn.Conv2d(2, 1, 7, padding=3, bias=False)

    def forward(self, x):
        avg = self.fc2(F.relu(self.fc1(F.adaptive_avg_pool2d(x, 1))))
        mx = self.fc2(F.relu(self.fc1(F.adaptive_max_pool2d(x, 1))))
        out = x * torch.sigmoid(avg + mx)
        pooled = torch.cat((out.mean(1, keepdim=True), out.max(1, keepdim=True)[0]), 1)
        return out * torch.sigmoid(self.sa(pooled))


def block(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.MaxPool2d(2), nn.ReLU())


def head(features, classes):
    return nn.Sequential(nn.Flatten(), nn.Linear(features, 5 * classes), nn.Dropout(0.5), nn.Linear(5 * classes, classes),
                         nn.LogSoftmax(1))


def classifier4(channels, size, classes, ndf=64):
    """The undefended CNN (Classifier_4); edge = blocks 1-2."""
    edge = nn.Sequential(block(channels, ndf), block(ndf, 2 * ndf))
    cloud = nn.Sequential(block(2 * ndf, 4 * ndf), block(4 * ndf, 8 * ndf), head(8 * ndf * (size // 16) ** 2, classes))
    return edge, cloud


def siftfunnel_cnn(channels, size, classes, ndf=64):
    """SiftFunnel's CNN (pv4_classifier_4); edge ends at CBAM, whose output is Z."""
    edge = nn.Sequential(
        block(channels, ndf), SE(ndf, 32), Triplet(),
        nn.Sequential(nn.Conv2d(ndf, 16, 1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
                      nn.Conv2d(16, 12, 1), nn.Conv2d(12, 12, 3, padding=1), nn.SiLU(), nn.Conv2d(12, 12, 1),
                      nn.Conv2d(12, 12, 3, padding=1), nn.Conv2d(12, 12, 5, padding=2), nn.ReLU()),
        SE(12, 4), CBAM(12, 6))
    up = nn.Sequential(nn.Conv2d(12, 2 * ndf, 3, padding=1, bias=False), nn.Conv2d(2 * ndf, 2 * ndf, 3, padding=1, bias=False),
                       nn.BatchNorm2d(2 * ndf), nn.ReLU())
    cloud = nn.Sequential(up, Triplet(), block(2 * ndf, 4 * ndf), block(4 * ndf, 8 * ndf),
                          head(8 * ndf * (size // 16) ** 2, classes))
    return edge, cloud


def dcor2(x, z):
    """Squared sample distance correlation between the flattened samples of x and z."""
    def centred(v):
        v = v.reshape(v.shape[0], -1)
        d = torch.sqrt(((v.unsqueeze(1) - v.unsqueeze(0)) ** 2).sum(-1) + 1e-10)
        return d - d.mean(0, keepdim=True) - d.mean(1, keepdim=True) + d.mean()

    a, b = centred(x), centred(z)
    n2 = float(x.shape[0] ** 2)
    ab, aa, bb = (a * b).sum() / n2, (a * a).sum() / n2, (b * b).sum() / n2
    return ab / torch.sqrt(aa * bb)


def pearson(z):
    """Mean squared inter-channel Pearson correlation within each sample, diagonal kept."""
    b, c = z.shape[:2]
    rows = z.reshape(b, c, -1)
    hw = rows.shape[2]
    centred = rows - rows.mean(2, keepdim=True)
    cov = centred @ centred.transpose(1, 2) / hw
    sigma = centred.std(2, keepdim=True)
    return (cov / (sigma * sigma.transpose(1, 2) + 1e-12)).pow(2).mean()


def siftfunnel_objective(x, z, log_probs, labels, alpha=5.0, beta=2.0, gamma=2.0, l1=0.03, smoothing=0.25):
    k = log_probs.shape[1]
    target = torch.full_like(log_probs, smoothing / (k - 1))
    target.scatter_(1, labels.view(-1, 1), 1.0 - smoothing)
    task = F.kl_div(log_probs, target, reduction='batchmean')
    return alpha * task + beta * dcor2(x, z) + l1 * z.abs().mean() + gamma * pearson(z)
