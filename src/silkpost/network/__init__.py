"""The corridor network: nodes, scheduled services (truck, rail, air), and routing over them."""
