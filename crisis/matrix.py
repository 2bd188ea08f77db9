from tending.testing.matrix import PUBLIC, Route

ROUTES = [Route("crisis:page", PUBLIC)]
