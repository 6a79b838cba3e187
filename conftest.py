pytest_plugins = ["jiujiang_inspect.testing", "jiujiang_inspect.browser_testing"]
