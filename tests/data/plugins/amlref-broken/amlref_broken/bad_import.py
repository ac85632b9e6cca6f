raise ImportError("amlref_broken needs a module that is not installed")
