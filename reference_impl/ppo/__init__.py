r"""
---
title: Proximal Policy Optimization (PPO)
summary: An annotated PyTorch implementation of PPO with Generalized Advantage Estimation that trains on Atari.
---

# Proximal Policy Optimization (PPO)

This is a PyTorch implementation of [Proximal Policy Optimization](https://arxiv.org/abs/1707.06347) (PPO)
with [Generalized Advantage Estimation](https://arxiv.org/abs/1506.02438) (GAE), trained on Atari games.

PPO is a policy gradient method. A policy gradient method alternates between collecting experience
with the current policy and improving the policy with a gradient step on that experience.
A single gradient step uses the experience only once, which is wasteful; but taking many steps on the same
experience moves the policy far from the one that collected it, and the updates become destructive.

PPO lets us take several epochs of minibatch steps on each batch of experience. Its clipped objective
removes the incentive to change the probability of an action by more than a factor of $1 \pm \epsilon$
relative to the policy that collected the experience:

$$L^{CLIP}(\theta) = \mathbb{E}_t \Big[ \min \big( r_t(\theta) \hat{A}_t,\ \mathrm{clip}(r_t(\theta), 1 - \epsilon, 1 + \epsilon) \hat{A}_t \big) \Big]$$

where $r_t(\theta) = \frac{\pi_\theta(a_t|s_t)}{\pi_{\theta_{old}}(a_t|s_t)}$ is the probability ratio and
$\hat{A}_t$ is an estimate of the advantage of action $a_t$. It is a first-order method, simple to implement,
and it works well across many tasks.

## The modules

* [Generalized Advantage Estimation](gae.py): how good each action was, from rewards and values.
* [Losses](losses.py): the clipped surrogate objective, the clipped value loss and the diagnostics of an update.
* [Model](model.py): the convolutional actor-critic network.
* [Atari environments](atari.py): the games, their preprocessing, and the unclipped game score, summed over all lives.
* [Configuration](config.py): all hyperparameters, with the standard Atari defaults.
* [Trainer](trainer.py): the training loop, which stops cleanly on Ctrl-C.
* [Checkpoints](checkpoint.py): what a checkpoint holds, how it is checked, and exact resume.
* [Run log](runlog.py): the metrics of every update, in `metrics.csv` and TensorBoard.
* [Files](files.py): writing the files of a run so that nothing is lost.
* [Evaluation](evaluate.py): playing full games with a trained agent.
* [Command line](cli.py): `python -m reference_impl.ppo train` and `evaluate`.
"""
