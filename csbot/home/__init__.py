"""App Home: each person's portfolio, published to their Home tab."""
