r"""
---
title: Annotated reference implementations
summary: Literate PyTorch implementations of reinforcement learning papers, explained line by line.
---

# Annotated reference implementations

This package holds runnable implementations of papers, written so that the code reads like the paper.
Each module explains what it computes and why, next to the code that computes it.

* [Proximal Policy Optimization (PPO) with Generalized Advantage Estimation (GAE)](ppo/__init__.py)
"""
