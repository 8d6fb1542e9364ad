"""Development-time tools of the warehouse (not needed by the product at run time)."""
