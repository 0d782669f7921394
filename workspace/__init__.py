"""The staff workspace: the pages the front desk and therapists work in."""
